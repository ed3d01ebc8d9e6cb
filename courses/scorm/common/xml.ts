/** Escaping for the manifests (XML 1.0 §2.4 character data, §3.3.3 attribute values). */
export const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const xmlAttr = (s: string) => xmlText(s).replace(/"/g, '&quot;');

/** A file path as a manifest `href`: forward slashes, each segment URI-encoded (IMS CP 1.1.4 §4.1.13). */
export const hrefOf = (p: string) => p.split('/').map(encodeURIComponent).join('/');
