/** Escaping for the manifests (XML 1.0 §2.4 character data, §3.3.3 attribute values). */
export const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const xmlAttr = (s: string) => xmlText(s).replace(/"/g, '&quot;');

/** A file path as a manifest `href`: forward slashes, each segment URI-encoded (IMS CP 1.1.4 §4.1.13). */
export const hrefOf = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/**
 * The two `<resources>` of every package: the SCO (the launch page and every file it uses) and the
 * XSDs as an asset. `scormTypeAttr` is `adlcp:scormtype` in 1.2 and `adlcp:scormType` in 2004.
 */
export function resourcesXml(
  scormTypeAttr: 'adlcp:scormtype' | 'adlcp:scormType',
  launch: string,
  files: string[],
  schemaFiles: string[],
): string {
  const list = (l: string[]) => l.map((f) => `      <file href="${xmlAttr(hrefOf(f))}"/>`).join('\n');
  return `  <resources>
    <resource identifier="res-course" type="webcontent" ${scormTypeAttr}="sco" href="${xmlAttr(hrefOf(launch))}">
${list(files)}
    </resource>
    <resource identifier="res-schemas" type="webcontent" ${scormTypeAttr}="asset">
${list(schemaFiles)}
    </resource>
  </resources>`;
}
