/** Every workflow the worker registers, by the name clients start it with. */
export { deliveryWorkflow } from './delivery.workflow';
export { deadLetterWorkflow } from './dead-letter.workflow';
export { orderedStreamWorkflow } from './ordered-stream.workflow';
export { endpointCircuitWorkflow } from './endpoint-circuit.workflow';
export { retentionWorkflow } from './retention.workflow';
