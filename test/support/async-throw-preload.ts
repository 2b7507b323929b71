/**
 * Loaded with `node --require` into a real Hookway process by test/process-guard.test.ts. Each line on
 * stdin makes this process fail asynchronously, the way a handler's callback or a forgotten promise
 * would: `throw` throws from a timer callback, `reject` leaves a rejected promise unhandled. Test code
 * only: nothing in src/ knows about it.
 */
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  for (const line of chunk.split('\n')) {
    if (line === 'throw') {
      setImmediate(() => {
        throw Object.assign(new RangeError('thrown asynchronously by the test'), { code: 'E_TEST_THROW', config: { password: 'must-not-be-logged' } });
      });
    } else if (line === 'reject') {
      void Promise.reject(Object.assign(new TypeError('rejected asynchronously by the test'), { code: 'E_TEST_REJECT', config: { password: 'must-not-be-logged' } }));
    }
  }
});
