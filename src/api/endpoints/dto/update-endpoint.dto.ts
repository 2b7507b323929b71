import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateEndpointDto } from './create-endpoint.dto';

/** Body of `PATCH /v1/endpoints/:id`: any field of creation, plus `disabled`. */
export class UpdateEndpointDto extends PartialType(CreateEndpointDto) {
  @ApiPropertyOptional({ description: 'A disabled endpoint gets no new deliveries.' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
