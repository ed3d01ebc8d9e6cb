/**
 * Every exported package (the real courses and the test courses) against the official XSDs that
 * ship inside it. `xmllint --schema imscp.xsd` alone would let every extension element through
 * unchecked (IMS CP's `<xsd:any namespace="##other" processContents="lax">`), so each manifest is
 * validated against a schema that imports every namespace the package uses.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog } from '../../../courses/catalog.ts';
import { tempDir } from '../../helpers/app.ts';
import { writeScormContent } from './content.ts';
import { exportPackages } from './export.ts';

const NAMESPACES = {
  '1.2': {
    'http://www.imsproject.org/xsd/imscp_rootv1p1p2': 'imscp_rootv1p1p2.xsd',
    'http://www.adlnet.org/xsd/adlcp_rootv1p2': 'adlcp_rootv1p2.xsd',
    'http://www.imsglobal.org/xsd/imsmd_rootv1p2p1': 'imsmd_rootv1p2p1.xsd',
  },
  '2004': {
    'http://www.imsglobal.org/xsd/imscp_v1p1': 'imscp_v1p1.xsd',
    'http://www.adlnet.org/xsd/adlcp_v1p3': 'adlcp_v1p3.xsd',
    'http://www.adlnet.org/xsd/adlseq_v1p3': 'adlseq_v1p3.xsd',
    'http://www.adlnet.org/xsd/adlnav_v1p3': 'adlnav_v1p3.xsd',
    'http://www.imsglobal.org/xsd/imsss': 'imsss_v1p0.xsd',
  },
} as const;

/** A schema importing every namespace of the version, written beside the package's own XSDs. */
function allNamespaces(dir: string, version: '1.2' | '2004'): string {
  const file = path.join(dir, 'all-namespaces.xsd');
  const imports = Object.entries(NAMESPACES[version])
    .map(([ns, loc]) => `  <xs:import namespace="${ns}" schemaLocation="${loc}"/>`)
    .join('\n');
  fs.writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:oberih:all-namespaces">\n${imports}\n</xs:schema>\n`,
  );
  return file;
}

function xmllint(schema: string, xml: string) {
  const r = spawnSync('xmllint', ['--noout', '--schema', schema, xml], { encoding: 'utf8' });
  // ims_xml.xsd (the official 1.2 file) binds the xml namespace as default; libxml2 warns and carries on.
  const stderr = r.stderr
    .split('\n')
    .filter((l) => l && !/ims_xml\.xsd|xml namespace URI cannot be the default|^\s*filename=ims_xml|^\s*\^$/.test(l))
    .join('\n');
  return { ok: r.status === 0, stderr };
}

function unpack(zip: string, into: string) {
  const files = unzipSync(fs.readFileSync(zip));
  for (const [name, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(into, name)), { recursive: true });
    fs.writeFileSync(path.join(into, name), data);
  }
  return files;
}

describe('exported packages', () => {
  const dir = tempDir('oberih-scorm-manifest-');
  const testContent = writeScormContent(path.join(dir, 'test-content'));
  const real = exportPackages(path.resolve('content'), path.join(dir, 'real'));
  const tests = exportPackages(testContent, path.join(dir, 'tests'));
  // As the SCORM build sees them: a course has a graded assessment in its packages only with a scormPool.
  const catalogs = {
    real: loadCatalog(contentFsFrom(fs), 'content', { withPools: 'scorm' }),
    tests: loadCatalog(contentFsFrom(fs), testContent, { withPools: 'scorm' }),
  };
  const zips = [
    ...fs.readdirSync(real.out).map((f) => ({ set: 'real' as const, zip: path.join(real.out, f) })),
    ...fs.readdirSync(tests.out).map((f) => ({ set: 'tests' as const, zip: path.join(tests.out, f) })),
  ];

  it('exports every course in both locales and both versions, with a summary of files and sizes', () => {
    expect(zips.filter((z) => z.set === 'real')).toHaveLength(catalogs.real.courses.size * 4);
    for (const slug of catalogs.real.courses.keys()) {
      for (const name of [
        `${slug}-uk-scorm12.zip`,
        `${slug}-uk-scorm2004.zip`,
        `${slug}-en-scorm12.zip`,
        `${slug}-en-scorm2004.zip`,
      ]) {
        expect(fs.existsSync(path.join(real.out, name)), name).toBe(true);
        expect(real.stdout).toMatch(new RegExp(`${name}\\s+\\d+\\s+[\\d.]+ KB`));
      }
    }
    expect(real.stdout).toMatch(/\[12\/12\]/);
    expect(real.stdout).toMatch(/^total\s+\d+\s+[\d.]+ KB$/m);
    expect(real.stdout).toMatch(
      /initial-online-abuse: (\d+ of 4096 characters \(SCORM 1\.2\)|no graded assessment in the package \(no scormPool\))/,
    );
    // The test content: the fixture course has a scormPool; plain-course has no assessment at all.
    expect(tests.stdout).toMatch(/fixture-course: \d+ of 4096 characters \(SCORM 1\.2\)/);
    expect(tests.stdout).toContain(
      'plain-course: no scormPool in assessment.yaml, so its packages have no graded assessment',
    );
  });

  for (const { set, zip } of zips) {
    const name = path.basename(zip);
    const version = name.endsWith('scorm12.zip') ? '1.2' : '2004';
    it(`${set}/${name}: the manifest is valid against every namespace's official XSD, and lists every file`, () => {
      const into = path.join(dir, 'unpacked', set, name);
      const files = unpack(zip, into);
      const xml = new TextDecoder().decode(files['imsmanifest.xml']);
      const result = xmllint(allNamespaces(into, version), path.join(into, 'imsmanifest.xml'));
      expect(result.stderr).toMatch(/imsmanifest\.xml validates/);
      expect(result.ok).toBe(true);

      // Moodle reads names, not namespaces: IMS CP unprefixed, extensions with exactly these prefixes.
      const prefixes = new Set(
        [...xml.matchAll(/<\/?([A-Za-z]+):[A-Za-z]+|\s([A-Za-z]+):[A-Za-z]+="/g)].map((m) => m[1] ?? m[2]),
      );
      expect([...prefixes].every((p) => ['adlcp', 'imsss', 'adlnav', 'adlseq', 'xsi', 'xmlns'].includes(p!))).toBe(
        true,
      );
      for (const el of ['manifest', 'organizations', 'organization', 'item', 'resources', 'resource', 'file'])
        expect(xml).toMatch(new RegExp(`<${el}[\\s>]`));

      const listed = [...xml.matchAll(/<file href="([^"]+)"\/>/g)].map((m) => decodeURIComponent(m[1]!));
      const inZip = Object.keys(files).filter((f) => f !== 'imsmanifest.xml' && !f.endsWith('/'));
      expect(listed.sort()).toEqual(inZip.sort());

      const slug = name.replace(/-(uk|en)-scorm(12|2004)\.zip$/, '');
      const course = catalogs[set].courses.get(slug)!.course;
      if (version === '1.2') {
        expect(xml).toMatch(/adlcp:scormtype="sco" href="index.html"/);
        if (course.assessment) expect(xml).toContain(`<adlcp:masteryscore>${course.passMark}</adlcp:masteryscore>`);
        else expect(xml).not.toContain('masteryscore');
      } else {
        expect(xml).toMatch(/adlcp:scormType="sco" href="index.html"/);
        expect(xml).toContain('<schemaversion>2004 4th Edition</schemaversion>');
        if (course.assessment)
          expect(xml).toContain(
            `<imsss:minNormalizedMeasure>${(course.passMark / 100).toFixed(4)}</imsss:minNormalizedMeasure>`,
          );
        else expect(xml).not.toContain('minNormalizedMeasure');
      }
    });

    it(`${set}/${name}: works offline — relative URLs only, no CDN, no API, web links open a new window`, () => {
      const files = unzipSync(fs.readFileSync(zip));
      for (const [f, data] of Object.entries(files)) {
        const text = new TextDecoder().decode(data);
        if (f.endsWith('.html')) {
          expect(text, f).not.toMatch(/\s(href|src|action|component-url|renderer-url|before-hydration-url)="\//);
          expect(text, f).not.toMatch(/\s(src|component-url|renderer-url)="(https?:)?\/\//);
          expect(text, f).not.toMatch(/<link\b[^>]*href="https?:/);
          for (const a of text.match(/<a\b[^>]*href="https?:[^>]*>/g) ?? []) expect(a, f).toMatch(/target="_blank"/);
          expect(text, f).not.toMatch(/action="[^"]*\/api\//);
        }
        if (f.endsWith('.js')) {
          expect(text, f).not.toMatch(/["'`]\/_astro\//);
          expect(text, f).not.toMatch(/serviceWorker\.register\(/);
          expect(text, f).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\/[^"'`\s]*\.(js|css|woff2?)/i);
        }
      }
    });
  }

  it('the CP schema alone would miss a broken extension that the all-namespace check catches', () => {
    const zip = zips.find((z) => z.zip.endsWith('fixture-course-en-scorm2004.zip'))!.zip;
    const into = path.join(dir, 'broken');
    unpack(zip, into);
    const file = path.join(into, 'imsmanifest.xml');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace(/<imsss:minNormalizedMeasure>[^<]+</, '<imsss:minNormalizedMeasure>1.5<'),
    );
    expect(xmllint(path.join(into, 'imscp_v1p1.xsd'), file).ok).toBe(true);
    const strict = xmllint(allNamespaces(into, '2004'), file);
    expect(strict.ok).toBe(false);
    expect(strict.stderr).toMatch(/minNormalizedMeasure/);

    const zip12 = zips.find((z) => z.zip.endsWith('fixture-course-en-scorm12.zip'))!.zip;
    const into12 = path.join(dir, 'broken12');
    unpack(zip12, into12);
    const file12 = path.join(into12, 'imsmanifest.xml');
    fs.writeFileSync(file12, fs.readFileSync(file12, 'utf8').replace('adlcp:scormtype="sco"', 'adlcp:scormtype="SCO"'));
    expect(xmllint(allNamespaces(into12, '1.2'), file12).ok).toBe(false);
  });
});
