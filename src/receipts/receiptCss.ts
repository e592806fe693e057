/**
 * The receipt page's inline styles: readable on a phone, and a print sheet (A4 or a phone's "save as PDF")
 * that drops the buttons and keeps cards, letters and the QR code whole.
 *
 * @example
 * `<style>${RECEIPT_CSS}</style>`
 */
export const RECEIPT_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f4f2;color:#1b1b1b;font:16px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:46rem;margin:0 auto;padding:1rem 1.25rem 2rem;background:#fff}
h1{font-size:1.5rem;margin:.5rem 0}
h2{font-size:1.15rem;margin:1.75rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid #ddd}
h3{font-size:1rem;margin:.75rem 0 .25rem}
dl{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr;gap:.25rem .75rem;margin:0}
dt{color:#555}
dd{margin:0;overflow-wrap:anywhere}
ol,ul{padding-left:1.5rem}
.muted{color:#555;font-size:.9rem}
.ok{color:#1f6f3a}
.warn{color:#8a4b00;font-weight:600}
.card{border:1px solid #e2e2e2;border-radius:6px;padding:.25rem .9rem;margin:.5rem 0}
.actions{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem .75rem}
.actions button{font:inherit;font-weight:600;padding:.6rem 1.1rem;min-height:44px;border:1px solid #1f4f8a;border-radius:6px;background:#1f4f8a;color:#fff;cursor:pointer}
ul.check{list-style:none;padding-left:0}
ul.check li::before{content:"\\2610\\00a0"}
pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;border:1px solid #e2e2e2;padding:.75rem;margin:.5rem 0}
.mono{word-break:break-all}
.verify{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
.qr{width:9.5rem;height:9.5rem;flex:none}
.verify p{flex:1 1 12rem;min-width:0;margin:0}
.verify a{overflow-wrap:anywhere;word-break:break-all}
ol.timeline{list-style:none;padding:0}
.timeline li{border-left:3px solid #bbb;padding:.25rem .75rem;margin:.5rem 0}
.timeline li.in{border-left-color:#2b6cb0;background:#f3f7fc}
.meta{color:#555;font-size:.85rem}
.msg{white-space:pre-wrap;overflow-wrap:anywhere}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{font-weight:600}main{padding:.75rem}}
@media print{body{background:#fff;font-size:10.5pt}main{max-width:none;padding:0}.actions{display:none}
.card,.timeline li,dl,.verify,.qr{break-inside:avoid}h2,h3{break-after:avoid}a{color:inherit}
#verify a[href]::after{content:""}}
`;
