import QRCode from 'qrcode';

/**
 * A QR code as an inline SVG element (npm `qrcode` computes the modules; this draws them as one path), so a
 * receipt page needs no image file and no script, and the same text always gives the same markup. Dark
 * modules on a white square with the standard four-module quiet zone; error correction level M.
 *
 * @example
 * qrSvg('https://cancelmate.example.org/v/R-20261125-1A2B3C4D?t=…', '扫码核验');
 * // '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 45 45" role="img" aria-label="扫码核验" …><path d="M4 4h7v1h-7z…"/></svg>'
 */
export function qrSvg(text: string, label: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const size = modules.size + quiet * 2;
  let d = '';
  for (let row = 0; row < modules.size; row++) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      d += `M${start + quiet} ${row + quiet}h${col - start}v1h-${col - start}z`;
    }
  }
  const aria = label.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" role="img" aria-label="${aria}" ` +
    `class="qr" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/>` +
    `<path fill="#000" d="${d}"/></svg>`
  );
}
