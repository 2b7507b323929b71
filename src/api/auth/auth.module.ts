import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard';

/** Scoped access: the guard that keeps every application token to its own application's routes. */
@Module({ providers: [{ provide: APP_GUARD, useClass: AccessGuard }] })
export class AuthModule {}
