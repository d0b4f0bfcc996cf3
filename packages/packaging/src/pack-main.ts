// `npm run tarballs -- <folder>`: packs every public package into <folder> (default ./tarballs),
// for installing into a project until the packages are on a registry.
import { resolve } from 'node:path';
import { packPublicPackages } from './pack.js';

const dest = resolve(process.argv[2] ?? 'tarballs');
const packed = await packPublicPackages(dest);
for (const p of packed.values()) console.log(p.tarball);
console.log(`\nInstall into a project with: npm install ${dest}/*.tgz`);
