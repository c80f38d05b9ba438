// Writes package.json "typesVersions" from "exports": each subpath export mapped to its CommonJS
// declarations, so TypeScript's node10 resolution (which ignores "exports") finds them. Run it after
// adding a subpath export; scripts/check-package.mjs fails until they agree.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expectedTypesVersions, readPackage, root } from './package-exports.mjs';

const pkg = readPackage();
const typesVersions = expectedTypesVersions(pkg);
const { typesVersions: _old, ...rest } = pkg;
// Keep "typesVersions" next to "types", where readers look for it.
const out = {};
for (const [key, value] of Object.entries(rest)) {
  out[key] = value;
  if (key === 'types' && typesVersions) out.typesVersions = typesVersions;
}
writeFileSync(resolve(root, 'package.json'), JSON.stringify(out, null, 2) + '\n');
console.log(typesVersions ? `typesVersions: ${JSON.stringify(typesVersions)}` : 'no subpath export: no typesVersions');
