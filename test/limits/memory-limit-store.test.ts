import { MemoryLimitStore } from '../../src/limits/memory-limit-store.js';
import { limitStoreContract } from './limit-store-contract.js';

limitStoreContract('MemoryLimitStore', async () => new MemoryLimitStore());
