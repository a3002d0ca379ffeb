using ScottPlot;
using Verify.Model.Claims;
using Verify.Model.Evidence;

namespace Verify.Cli.Report;

/// <summary>The report's PNG figures (ScottPlot). Each method writes one file and returns its name.</summary>
static class Figures
{
    const int PanelWidth = 420, PanelHeight = 340;

    /// <summary>L-shape: best teacher correlation of each student node (train set) against its fan-out norm, one panel per (multi, p).</summary>
    public static string LShapeScatter(string dir, IReadOnlyList<TwoLayerRun> runs, string name = "lshape.png", string title = "L-shape")
    {
        var multis = runs.Select(r => r.Config.Multi).Distinct().Order().ToArray();
        var decays = runs.Select(r => r.Config.Decay).Distinct().Order().ToArray();
        var panels = new Multiplot();
        panels.AddPlots(multis.Length * decays.Length);
        panels.Layout = new ScottPlot.MultiplotLayouts.Grid(decays.Length, multis.Length);
        for (var row = 0; row < decays.Length; row++)
            for (var col = 0; col < multis.Length; col++)
            {
                var plot = panels.GetPlot(row * multis.Length + col);
                var group = runs.Where(r => r.Config.Multi == multis[col] && r.Config.Decay == decays[row]).ToArray();
                if (group.Length == 0) // a partial sweep (`verify sweep collect --partial`) may leave a panel empty
                {
                    plot.Title($"{title}: multi {multis[col]}, p {decays[row]}  (no runs)", 11);
                    continue;
                }
                var xs = group.SelectMany(r => r.BestCorrPerStudent).ToArray();
                var ys = group.SelectMany(r => r.StudentFanoutNorm).ToArray();
                var scatter = plot.Add.ScatterPoints(xs, ys);
                scatter.MarkerSize = 4;
                var criteria = VanishingCriteria.AtPaperBudget;
                plot.Add.VerticalLine(criteria.Tau, 1, Colors.Gray, LinePattern.Dashed);
                // A node's "near-zero fan-out" level is 0.1 x the fan-out norm of the teacher it matches best: the panel draws the
                // range of those levels, 0.1 x the strongest teacher's norm (upper dotted line) and 0.1 x the weakest's (lower).
                var bound = group.Max(r => criteria.FanOut * r.TeacherFanoutNorm.Max());
                plot.Add.HorizontalLine(bound, 1, Colors.Gray, LinePattern.Dotted);
                plot.Add.HorizontalLine(group.Min(r => criteria.FanOut * r.TeacherFanoutNorm.Min()), 1, Colors.Gray, LinePattern.Dotted);
                plot.Axes.SetLimitsY(0, Math.Max(ys.DefaultIfEmpty(0).Max(), bound) * 1.08);
                plot.Title($"{title}: multi {multis[col]}, p {decays[row]}  (neither {group.Average(r => LShapeVerdict.NeitherShare(r)):P0})", 11);
                plot.YLabel("fan-out norm ||v_k||", 10);
                plot.Axes.SetLimitsX(-0.1, 1.05);
                plot.XLabel("best correlation with a teacher node (train)", 10);
            }
        return Save(panels, dir, name, multis.Length, decays.Length);
    }

    /// <summary>Success rate per teacher index at tau 0.95, early and end, one line per multi, one panel per p.</summary>
    public static string SuccessRate(string dir, IReadOnlyList<TwoLayerRun> runs)
    {
        var curves = Model.Evidence.SuccessRate.Curves(runs);
        var decays = curves.Select(c => c.Decay).Distinct().Order().ToArray();
        var panels = new Multiplot();
        panels.AddPlots(decays.Length * 2);
        panels.Layout = new ScottPlot.MultiplotLayouts.Grid(2, decays.Length);
        var early = runs[0].EarlyEpoch;
        for (var col = 0; col < decays.Length; col++)
            for (var row = 0; row < 2; row++)
            {
                var plot = panels.GetPlot(row * decays.Length + col);
                foreach (var curve in curves.Where(c => c.Decay == decays[col]))
                {
                    var rate = row == 0 ? curve.Early : curve.End;
                    var xs = Enumerable.Range(1, rate.Length).Select(j => (double)j).ToArray();
                    var line = plot.Add.Scatter(xs, rate);
                    line.LegendText = $"multi {curve.Multi}";
                    line.MarkerSize = 5;
                    var (low, high) = curve.Interval(rate);
                    Band(plot, xs, low, high, line.Color, alpha: 0.08); // four overlapping bands per panel
                }
                plot.Title($"p {decays[col]}, {(row == 0 ? $"after epoch {early}" : $"end (epoch {runs[0].Config.Epochs})")}; bands: 95% interval over {curves[0].Seeds} seeds", 11);
                plot.XLabel("teacher index j (1 = strongest)", 10);
                plot.YLabel("success rate (rho > 0.95)", 10);
                plot.Axes.SetLimitsY(-0.05, 1.05);
                plot.ShowLegend(Alignment.LowerLeft);
            }
        return Save(panels, dir, "success_rate.png", decays.Length, 2);
    }

    /// <summary>log10 eval loss per epoch, one line per multi, one panel per p.</summary>
    public static string Convergence(string dir, IReadOnlyList<TwoLayerRun> runs)
    {
        var curves = Model.Evidence.Convergence.Log10EvalLoss(runs);
        var decays = curves.Keys.Select(k => k.Decay).Distinct().Order().ToArray();
        var panels = new Multiplot();
        panels.AddPlots(decays.Length);
        panels.Layout = new ScottPlot.MultiplotLayouts.Columns();
        for (var col = 0; col < decays.Length; col++)
        {
            var plot = panels.GetPlot(col);
            foreach (var (key, loss) in curves.Where(c => c.Key.Decay == decays[col]).OrderBy(c => c.Key.Multi))
            {
                var xs = Enumerable.Range(1, loss.Length).Select(e => (double)e).ToArray();
                var line = plot.Add.Scatter(xs, loss.Select(s => s.Mean).ToArray());
                line.LegendText = $"multi {key.Multi}";
                line.MarkerSize = 4;
                Band(plot, xs, loss.Select(s => s.Min).ToArray(), loss.Select(s => s.Max).ToArray(), line.Color);
            }
            plot.Title($"eval loss (MSE over samples and outputs), p {decays[col]}", 11);
            plot.XLabel("epoch", 10);
            plot.YLabel("log10 eval loss: mean over seeds, band min to max", 10);
            plot.ShowLegend(Alignment.LowerLeft);
        }
        return Save(panels, dir, "convergence.png", decays.Length, 1);
    }

    /// <summary>Coverage against training-set size, teacher-aware and Gaussian data.</summary>
    public static string SampleSize(string dir, IReadOnlyList<TwoLayerRun> runs)
    {
        var plot = new Plot();
        foreach (var curve in Model.Evidence.SampleSize.Curves(runs))
        {
            var xs = curve.Sizes.Select(n => Math.Log10(n)).ToArray();
            var line = plot.Add.Scatter(xs, curve.Coverage);
            line.LegendText = curve.Data switch { TrainingData.TeacherAware => "teacher-aware", TrainingData.Gaussian => "Gaussian", _ => curve.Data.ToString() };
            line.MarkerSize = 6;
            Band(plot, xs, curve.CoverageMin, curve.CoverageMax, line.Color);
        }
        plot.Title("Coverage (rho > 0.95, eval) vs training-set size: mean over seeds, band min to max", 12);
        plot.XLabel("log10 N_train", 11);
        plot.YLabel("fraction of teacher nodes covered", 11);
        plot.Axes.SetLimitsY(-0.05, 1.05);
        plot.ShowLegend(Alignment.LowerRight);
        return SaveBoth(plot, dir, "sample_size.png", 640, 440);
    }

    /// <summary>
    /// Claim 3 as a scaling law: log10 N* against log10 K (one line per d) and against log10 d (one
    /// line per K), each seed a point (a ladder without N* an open mark at its top), with the fitted
    /// lines log N* = a + b_K log K + b_d log d and the bound's own slope (dashed) for comparison.
    /// </summary>
    public static string SampleScaling(string dir, IReadOnlyList<ScalingPoint> points, ClaimOutcome<SampleScalingNumbers> outcome)
    {
        var n = outcome.Numbers;
        var entries = n.NStar;
        var found = entries.Where(e => e.NStar is not null).ToArray();
        var fit = SampleSizeClaim.Fit(found);
        // Intercept from the slopes: mean residual over the found points.
        var intercept = fit is { } f && found.Length > 0
            ? found.Average(e => Math.Log(e.NStar!.Value) - f.K.Slope * Math.Log(e.K) - f.D.Slope * Math.Log(e.D)) : double.NaN;
        var panels = new Multiplot();
        panels.AddPlots(2);
        panels.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var ks = entries.Select(e => e.K).Distinct().Order().ToArray();
        var ds = entries.Select(e => e.D).Distinct().Order().ToArray();
        for (var panel = 0; panel < 2; panel++)
        {
            var plot = panels.GetPlot(panel);
            var byK = panel == 0;
            foreach (var group in byK ? ds : ks)
            {
                var members = entries.Where(e => byK ? e.D == group : e.K == group).ToArray();
                var color = plot.Add.Palette.GetColor(Array.IndexOf(byK ? ds : ks, group));
                var hit = members.Where(e => e.NStar is not null).ToArray();
                var xs = hit.Select(e => Math.Log10(byK ? e.K : e.D)).ToArray();
                var marks = plot.Add.ScatterPoints(xs, hit.Select(e => Math.Log10(e.NStar!.Value)).ToArray(), color);
                marks.MarkerSize = 7;
                marks.LegendText = byK ? $"d {group}" : $"K {group}";
                var miss = members.Where(e => e.NStar is null).ToArray();
                if (miss.Length > 0)
                {
                    var open = plot.Add.ScatterPoints(miss.Select(e => Math.Log10(byK ? e.K : e.D)).ToArray(), miss.Select(e => Math.Log10(e.LadderTop)).ToArray(), color);
                    open.MarkerShape = MarkerShape.OpenCircle;
                    open.MarkerSize = 9;
                }
                if (fit is { } g && !double.IsNaN(intercept))
                {
                    var axis = byK ? ks : ds;
                    var lx = axis.Select(v => Math.Log10(v)).ToArray();
                    var ly = axis.Select(v => (intercept + g.K.Slope * Math.Log(byK ? v : group) + g.D.Slope * Math.Log(byK ? group : v)) / Math.Log(10)).ToArray();
                    var line = plot.Add.ScatterLine(lx, ly, color);
                    line.LinePattern = LinePattern.Solid;
                }
            }
            if (found.Length > 0)
            {
                // The bound's own exponent, through the mean of the found points: the steepest slope the claim allows.
                var axis = (byK ? ks : ds).Select(v => Math.Log10(v)).ToArray();
                var mx = found.Average(e => Math.Log10(byK ? e.K : e.D));
                var my = found.Average(e => Math.Log10(e.NStar!.Value));
                var exponent = byK ? n.BoundExponentK : n.BoundExponentD;
                var bound = plot.Add.ScatterLine(axis, axis.Select(x => my + exponent * (x - mx)).ToArray(), Colors.Gray);
                bound.LinePattern = LinePattern.Dashed;
                bound.LegendText = System.FormattableString.Invariant($"slope {exponent} (bound)");
            }
            var slope = byK ? n.SlopeK : n.SlopeD;
            var ci = byK ? n.SlopeKCi95 : n.SlopeDCi95;
            plot.Title(System.FormattableString.Invariant($"N* vs {(byK ? "K" : "d")}: slope {slope:0.00} [{ci[0]:0.00}, {ci[1]:0.00}], bound {(byK ? n.BoundExponentK : n.BoundExponentD)}"), 11);
            plot.XLabel(byK ? "log10 K (= m + n)" : "log10 d", 10);
            plot.YLabel("log10 N* (every teacher at cos >= 1 - C eps)", 10);
            plot.ShowLegend(Alignment.UpperLeft);
        }
        return Save(panels, dir, "sample_scaling.png", 2, 1);
    }

    /// <summary>Per-layer mean best correlation of the multi-layer experiment, one line per seed and the mean.</summary>
    public static string MultiLayer(string dir, IReadOnlyList<MultiLayerRun> runs)
    {
        var plot = new Plot();
        var layers = Enumerable.Range(1, runs[0].MeanBestCorrelation.Length).Select(l => (double)l).ToArray();
        foreach (var run in runs)
        {
            var line = plot.Add.Scatter(layers, run.MeanBestCorrelation);
            line.LegendText = $"seed {run.Config.Seed}";
            line.LineWidth = 1;
            line.MarkerSize = 4;
        }
        var means = Model.Evidence.MultiLayerRun.MeanPerLayer(runs);
        var mean = plot.Add.Scatter(layers, means);
        var spread = layers.Select((_, l) => Spread.Of(runs.Select(r => r.MeanBestCorrelation[l]).ToArray())).ToArray();
        Band(plot, layers, spread.Select(s => s.Min).ToArray(), spread.Select(s => s.Max).ToArray(), Colors.Black, alpha: 0.10);
        plot.Add.HorizontalLine(MultiLayerClaim.MinLowestLayer, 1, Colors.Gray, LinePattern.Dashed);
        mean.LegendText = "mean (band: min to max over seeds; dashed: the lowest layer's level)";
        mean.LineWidth = 3;
        mean.MarkerSize = 8;
        mean.Color = Colors.Black;
        plot.Title($"Multi-layer: mean best correlation per layer (teacher [{string.Join(",", runs[0].Config.Widths)}], multi {runs[0].Config.Multi})", 12);
        plot.XLabel("hidden layer (1 = lowest)", 11);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.YLabel("mean over teacher nodes of max_k rho (eval)", 11);
        plot.ShowLegend(Alignment.LowerLeft);
        return SaveBoth(plot, dir, "multi_layer.png", 640, 440);
    }

    /// <summary>
    /// The authors' multi-layer figure: per hidden layer, the mean best correlation (mean over
    /// teacher nodes of max_k rho on eval data) against the training-set size N on a log axis, one
    /// line per layer (the mean over seeds) with its band (min to max over seeds); the dashed line is
    /// the level of a specialized layer.
    /// </summary>
    public static string MultiLayerAgainstN(string dir, IReadOnlyList<AuthorsMultiLayerRun> runs, string caption, string name = "multi_layer_authors.png")
    {
        var plot = new Plot();
        var curves = AuthorsMultiLayerSweep.Curves(runs);
        foreach (var curve in curves)
        {
            var xs = curve.Sizes.Select(n => Math.Log10(n)).ToArray();
            var line = plot.Add.Scatter(xs, curve.PerSize.Select(s => s.Mean).ToArray());
            line.LegendText = curve.Layer == 1 ? "layer 1 (lowest)" : $"layer {curve.Layer}";
            line.MarkerSize = 6;
            line.LineWidth = 2;
            Band(plot, xs, curve.PerSize.Select(s => s.Min).ToArray(), curve.PerSize.Select(s => s.Max).ToArray(), line.Color);
        }
        if (curves.Length > 0)
        {
            var sizes = curves[0].Sizes;
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(sizes.Select(n => Math.Log10(n)).ToArray(), sizes.Select(Short).ToArray());
            plot.Add.HorizontalLine(MultiLayerAuthorsClaim.Level, 1, Colors.Gray, LinePattern.Dashed);
        }
        plot.Title($"Mean best correlation per layer vs N\n{caption}", 11);
        plot.XLabel("training-set size N (log scale)", 11);
        plot.YLabel("mean over teacher nodes of max_k rho (eval)", 11);
        plot.ShowLegend(Alignment.LowerRight);
        return SaveBoth(plot, dir, name, 720, 480);
    }

    static string Short(int n) => n >= 1_000_000 && n % 1_000_000 == 0 ? $"{n / 1_000_000}M" : n >= 1000 && n % 1000 == 0 ? $"{n / 1000}k" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A translucent band from <paramref name="low"/> to <paramref name="high"/> in the colour of its line: the spread over seeds.</summary>
    static void Band(Plot plot, double[] xs, double[] low, double[] high, Color color, double alpha = 0.18)
    {
        if (xs.Length == 0 || low.Length != xs.Length || high.Length != xs.Length) return;
        var band = plot.Add.FillY(xs, low, high);
        band.FillColor = color.WithAlpha(alpha);
        band.LineWidth = 0;
    }

    static string Save(Multiplot panels, string dir, string name, int columns, int rows)
    {
        var (width, height) = (PanelWidth * columns, PanelHeight * rows);
        panels.SavePng(Path.Combine(dir, name), width, height);
        // Multiplot has no SaveSvg: render it onto Skia's SVG canvas, as Plot.SaveSvg does for one plot.
        using (var svg = File.Create(Path.Combine(dir, SvgName(name))))
        using (var canvas = SkiaSharp.SKSvgCanvas.Create(new SkiaSharp.SKRect(0, 0, width, height), svg))
        {
            canvas.Clear(SkiaSharp.SKColors.White);
            panels.Render(canvas, new PixelRect(new PixelSize(width, height)));
        }
        return name;
    }

    /// <summary>Writes <paramref name="name"/> (a .png) and the same figure as SVG beside it; returns the PNG's name, which report.md links.</summary>
    internal static string SaveBoth(Plot plot, string dir, string name, int width, int height)
    {
        plot.SavePng(Path.Combine(dir, name), width, height);
        plot.SaveSvg(Path.Combine(dir, SvgName(name)), width, height);
        return name;
    }

    /// <summary>The SVG file beside a figure's PNG: lshape.png -> lshape.svg.</summary>
    internal static string SvgName(string png) => Path.ChangeExtension(png, ".svg");
}
