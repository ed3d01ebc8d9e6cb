/**
 * SCORM packages for the universities' LMS: instructors (and admins) list and download what
 * `npm run export:scorm` wrote (default `dist/scorm/`). The packages are built offline by the CLI,
 * never on request: a build takes seconds and the files are the same for everyone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { Resource } from '../route.ts';
import { ScormPackages } from './schemas/admin.ts';

const STAFF = ['instructor', 'admin'] as const;
/** `<course>-<locale>-scorm12.zip` or `…-scorm2004.zip`, exactly as the exporter names them. */
const FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)-(uk|en)-scorm(12|2004)\.zip$/;

const dirOf = (deps: Deps) => path.resolve(deps.scormDir ?? 'dist/scorm');

export function scormRoutes() {
  return new Resource('/api/scorm', 'scorm')
    .route(
      { method: 'get', path: '/', summary: 'List the exported SCORM packages', access: STAFF, response: ScormPackages },
      (c) => {
        const dir = dirOf(c.get('deps'));
        const packages = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).flatMap((file) => {
          const m = FILE.exec(file);
          if (!m) return [];
          const st = fs.statSync(path.join(dir, file));
          return [
            {
              file,
              course: m[1]!,
              locale: m[2]!,
              version: m[3] === '12' ? '1.2' : '2004',
              bytes: st.size,
              exported_at: st.mtime.toISOString(),
              url: `/api/scorm/${file}`,
            },
          ];
        });
        return c.json({
          packages,
          hint: packages.length ? null : 'No packages yet: run `npm run export:scorm` on the server.',
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/:file',
        errors: [404],
        summary: 'Download one SCORM package (zip)',
        access: STAFF,
        params: z.object({ file: z.string().regex(FILE, 'expected <course>-<uk|en>-scorm12.zip or -scorm2004.zip') }),
        produces: 'application/zip',
      },
      (c, { params }) => {
        const file = path.join(dirOf(c.get('deps')), params.file);
        if (!fs.existsSync(file)) {
          throw new AppError(
            404,
            'not_found',
            `${params.file} has not been exported yet: run \`npm run export:scorm\` on the server (it writes dist/scorm/)`,
          );
        }
        return new Response(fs.readFileSync(file), {
          headers: {
            'content-type': 'application/zip',
            'content-disposition': `attachment; filename="${params.file}"`,
          },
        });
      },
    );
}
