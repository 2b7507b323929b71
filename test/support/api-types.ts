/** Shapes of API answers the tests read, beyond the views the API exports. */
export interface DeadLetterList {
  total: number;
  items: {
    id: string;
    deliveryId: string;
    messageId: string;
    endpointId: string;
    workflowId: string;
    error: string;
    attempts: number;
    deadLetteredAt: string;
  }[];
}
