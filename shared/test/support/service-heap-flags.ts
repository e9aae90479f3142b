import fs from 'node:fs';
import path from 'node:path';

/**
 * The V8 heap flags the services run with, as scripts/lib/common.sh sets them for start.sh, the
 * tests and the bench: the Dockerfile and the Kubernetes manifests must say the same.
 */
export function serviceHeapFlags(): string {
  const common = fs.readFileSync(path.resolve(__dirname, '../../../scripts/lib/common.sh'), 'utf8');
  const flags = /^export SERVICE_HEAP_FLAGS="\$\{SERVICE_HEAP_FLAGS-(.+)\}"$/m.exec(common)?.[1];
  if (!flags) throw new Error('scripts/lib/common.sh sets no SERVICE_HEAP_FLAGS default');
  return flags;
}
