import { ApiPropertyOptional } from '@nestjs/swagger';

/**
 * What a filter test found. With a sample (`eventType` and `payload`): `matches`, `eventTypeMatches`,
 * `filterMatches` and `filterError`. Over recent messages: `matched`, `total` and `errors`.
 */
export class FilterTestView {
  @ApiPropertyOptional({ description: 'Sample: whether the endpoint would get this message (its event types take it and the filter is true).', example: true })
  matches?: boolean;

  @ApiPropertyOptional({ description: "Sample: whether the endpoint's `eventTypes` take the sample's event type.", example: true })
  eventTypeMatches?: boolean;

  @ApiPropertyOptional({ description: 'Sample: whether the filter is true for it (true without a filter).', example: true })
  filterMatches?: boolean;

  @ApiPropertyOptional({
    description: 'Sample: why the filter failed on it (it then counts as false), e.g. `field not found: tier`. Not `error`, which every answer keeps for error answers.',
    example: 'field not found: tier',
  })
  filterError?: string;

  @ApiPropertyOptional({ description: 'Recent messages: how many of the application\'s last 100 the endpoint would have got with this filter (event types and filter).', example: 12 })
  matched?: number;

  @ApiPropertyOptional({ description: 'Recent messages: how many were tried (at most 100).', example: 100 })
  total?: number;

  @ApiPropertyOptional({ description: 'Recent messages: how many of those of a subscribed type the filter failed on (counted as not matched).', example: 0 })
  errors?: number;
}
