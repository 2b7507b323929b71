/**
 * Sample values the OpenAPI document shows, shaped like the real ones (see `newId`), so every example in
 * `/docs` refers to the same endpoint, message and delivery.
 */
export const EXAMPLE = {
  endpointId: 'ep_019ad2c49e3a5f0c7b1e2d9a4c38',
  messageId: 'msg_019ad2c5a1b07d3e9c4f2a6b8e15',
  deliveryId: 'dlv_019ad2c5a1b24e8f1a3c5d7b9f02',
  deadLetterId: 'dlq_019ad2e0c47a6b1d3f5e7a9c2b48',
  workflowId: 'delivery-ep_019ad2c49e3a5f0c7b1e2d9a4c38-msg_019ad2c5a1b07d3e9c4f2a6b8e15',
  secret: 'whsec_ejR9f/SuHfKKXYF/d3KabycTrQAx0JZY5cJWEhoD3A0=',
  createdAt: '2026-01-15T09:30:00.000Z',
  updatedAt: '2026-01-15T09:42:10.512Z',
  orderingKey: 'job-12345',
  eventType: 'invoice.paid',
  url: 'https://example.com/webhooks',
  applicationId: 'app_019ad2c3f1e07a4b2c6d8e0f1a23',
  applicationUid: 'acme',
  tokenId: 'tok_019ad2c6b2d14f7a8c0e3b5d9a61',
  applicationToken: 'hwa_tok_019ad2c6b2d14f7a8c0e3b5d9a61_Zq3mK8vT1xYc0pLr7sWnE4hJ9dFgA2uB6oQiN5eXyM0',
} as const;
