import { describeLedgerStoreContract } from './ledger-store.contract.js';
import { createMemoryLedgerStore } from './memory-store.js';

describeLedgerStoreContract('memory', async () => {
  const store = createMemoryLedgerStore();
  return { store, cleanup: () => store.close() };
});
