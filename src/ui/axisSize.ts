/** Widths of the plots' vertical axes, fitted to their tick labels. */
import uPlot from 'uplot';

/**
 * Returns a uPlot axis `size` function: the width of the tick marks, the gap
 * and the widest tick label, and at least `minimum` CSS pixels. uPlot draws the
 * axis title (`label`) outside this width, so the title does not overlap the
 * labels it was fitted to. A fixed size let "-10000" run into the title.
 */
export function fitTickLabels(minimum: number): uPlot.Axis.Size {
  return (plot, values, axisIndex, cycleNum) => {
    // Internal fields of the axis in uPlot 1.6.32: the size it last drew and the font scaled to device pixels.
    const axis = plot.axes[axisIndex] as uPlot.Axis & { _size?: number; font: [string, number, number] };
    // uPlot repeats the layout until the sizes stop changing. From the third round on this keeps the last size,
    // so labels that change with the size cannot make the layout loop.
    if (cycleNum > 1 && axis._size !== undefined) {
      return axis._size;
    }
    const labels = (values ?? []).filter((value) => value !== '');
    if (labels.length === 0) {
      return minimum;
    }
    plot.ctx.font = axis.font[0];
    const labelWidth = Math.max(...labels.map((label) => plot.ctx.measureText(label).width)) / uPlot.pxRatio;
    // 2 px more, so the label does not touch the title.
    const fitted = (axis.ticks?.size ?? 10) + (axis.gap ?? 5) + labelWidth + 2;
    return Math.max(minimum, Math.ceil(fitted));
  };
}
