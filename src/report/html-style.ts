// The report's one style sheet: a constant (nothing from input is ever placed in it). System fonts only, no url(),
// no @import. Light on screen with a dark title band; in print, no dark backgrounds and a page per section.

const SEV = {
  critical: ['#8b0015', '#fff'],
  high: ['#d1432b', '#fff'],
  medium: ['#e8a600', '#1a1a1a'],
  low: ['#2b7bb9', '#fff'],
  info: ['#6b7280', '#fff'],
  none: ['#4b5563', '#fff'],
} as const;

const sevRules = Object.entries(SEV)
  .map(([s, [bg, fg]]) => [
    `.sev-${s}{background:${bg};color:${fg}}`,
    `.finding.sev-border-${s}{border-left-color:${bg}}`,
    `.chip-${s}{fill:${bg}}`,
    `.span.s-${s}{stroke:${bg}}`,
    `.m-${s}{fill:${bg};stroke:${bg}}`,
    `.last.m-${s}{fill:#fff}`,
  ].join('\n'))
  .join('\n');

export const REPORT_CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#1f2328;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:0 20px 40px}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86em}
pre{margin:0;padding:8px 10px;background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere}
code{background:#f6f8fa;padding:0 3px;border-radius:3px;overflow-wrap:anywhere}
header.top{background:#1f2933;color:#f9fafb;padding:18px 20px;margin-bottom:18px}
header.top .inner{max-width:1180px;margin:0 auto}
header.top h1{margin:0 0 4px;font-size:1.55em}
header.top p{margin:0;color:#cbd2d9}
header.top code{background:#323f4b;color:#f9fafb}
.raw-warning{margin:10px 0 0;padding:6px 10px;border:2px solid #d1432b;background:#fff4f2;color:#8b0015;font-weight:600}
section.part{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:14px 18px;margin:0 0 18px}
section.part>h2{margin:0 0 10px;font-size:1.25em;border-bottom:1px solid #e1e4e8;padding-bottom:6px}
h3,h4,h5,h6{overflow-wrap:anywhere}
.sev-group{margin:16px 0 0}
.sev-group>h3{font-size:1.15em;margin:0 0 8px}
.check-group>h4{margin:10px 0 6px;font-size:1em}
.finding h5.title{margin:0 0 4px;font-size:1.05em}
.finding h6{margin:10px 0 3px;font-size:.78em;text-transform:uppercase;letter-spacing:.05em;color:#555}
.timeline{margin:0 0 18px}
.timeline>h3{font-size:1.05em;margin:12px 0 2px}
.timeline>p{margin:0 0 6px}
.chip{display:inline-block;white-space:nowrap;padding:1px 9px;border-radius:999px;font-size:.78em;font-weight:700;letter-spacing:.02em;vertical-align:middle}
.summary{display:flex;flex-wrap:wrap;gap:10px;margin:0;padding:0;list-style:none}
.summary li{flex:1 1 120px;border:1px solid #e1e4e8;border-radius:6px;padding:8px 12px;text-align:center}
.summary .count{display:block;font-size:1.9em;font-weight:700;line-height:1.2}
.summary li.zero{opacity:.55}
.total{margin:10px 0 0;color:#444}
.chart{display:block;margin:4px 0;font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
.chart .stripe{fill:#fff}.chart .stripe.odd{fill:#f4f6f8}
.chart .grid{stroke:#d5d9de;stroke-width:1}
.chart .axis-line{stroke:#374151;stroke-width:1}
.chart .tick{font-size:11px;fill:#374151}
.chart .label{font-size:12px;fill:#1f2328}
.chart a .label{text-decoration:underline;text-decoration-color:#c0c6cc}
.chart .empty{font-size:14px;fill:#6b7280}
.chart .span{stroke-width:3;stroke-linecap:round;opacity:.55}
.chart .edge,.legend .edge{stroke:#374151;stroke-width:2;stroke-linecap:round}
.chart .edge-count{font-size:10px;fill:#374151}
.chart .strip-rule{stroke:#9aa1a9;stroke-width:1;stroke-dasharray:4 3}
.chart .strip-title{font-size:12px;font-weight:700;fill:#1f2328}
.chart .key-strip{fill:#f7f5ef;stroke:#d5d0c0;stroke-width:1}
.chart .kstripe{fill:#fff}.chart .kstripe.odd{fill:#f4f6f8}
.chart .life,.legend .life{stroke:#6b5b2e;stroke-width:4;stroke-linecap:butt;opacity:.6}
.chart .arrow{stroke:#6b5b2e;stroke-width:2;stroke-linecap:round}
.chart .key-note{font-size:10px;fill:#4b4636}
.chart .krec{stroke:#1f2328;stroke-width:1}
.chart .k-created{fill:#d5d9de}.chart .k-activated{fill:#2e8540}.chart .k-retired{fill:#6b7280}
.chart .k-revoked{fill:#1f2328}.chart .k-compromised{fill:#8b0015}.chart .k-other{fill:#fff}
.ev{stroke-width:2}
.first{stroke-width:1}
.last{stroke-width:2}
.pt{stroke-width:1}
.legend{margin:4px 0 0;font-size:.85em;color:#444}
.legend .key{margin-right:12px;white-space:nowrap}
.legend svg{vertical-align:middle}
.finding{border:1px solid #e1e4e8;border-left:6px solid #4b5563;border-radius:4px;padding:10px 14px;margin:0 0 12px;background:#fff}
.finding .meta{color:#555;font-size:.85em;margin:0 0 6px}
dl.kv{display:grid;grid-template-columns:fit-content(18em) minmax(0,1fr);gap:3px 14px;margin:6px 0}
dl.kv dt{font-weight:600;color:#444;overflow-wrap:anywhere}
dl.kv dd{margin:0;overflow-wrap:anywhere}
ol.events{margin:4px 0;padding-left:22px;max-height:16em;overflow:auto;font-size:.9em}
.remediation{margin:8px 0 0;padding:6px 10px;background:#f0f7ff;border-left:3px solid #2b7bb9}
table{border-collapse:collapse;width:100%;font-size:.85em}
th,td{border:1px solid #e1e4e8;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f0f2f5;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
table.story th.when,table.story td.when{min-width:11.5em}
table.story th.fp,table.story td.fp{min-width:8.5em}
table.story th.what,table.story td.what{min-width:6em}
tr.place-change td.place{font-weight:700;color:#8b0015}
tr.flagged{background:#fff8f0}
tr.not-evaluated td{background:#fffbe6}
.muted{color:#6b7280}
a{color:#0b5cad}
footer{color:#6b7280;font-size:.8em;text-align:center;margin:24px 0}
${sevRules}
@media print{
@page{margin:12mm}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact;box-shadow:none}
body{background:#fff;color:#000;font-size:10.5pt}
main{max-width:none;padding:0}
header.top{background:#fff;color:#000;border-bottom:2px solid #000;padding:0 0 8px}
header.top p{color:#333}
header.top code{background:#fff;color:#000}
section.part{border:none;padding:0;margin:0}
#findings,#inputs,#timelines{break-before:page}
.finding,tr,.summary li{break-inside:avoid}
h2,h3,h4{break-after:avoid}
ol.events{max-height:none;overflow:visible}
a,.chart a .label{color:inherit;text-decoration:none}
pre,code{background:#fff}
}
`;
