// Worker entry: registers tsx in this thread (Node 20 workers do not inherit
// the parent's --import hooks), then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./render-worker.ts');
