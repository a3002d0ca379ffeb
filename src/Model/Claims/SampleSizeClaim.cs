using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using Verify.Model.Evidence;
using Verify.Model.Theory;

namespace Verify.Model.Claims;

/// <summary>What the two-layer sample-complexity bound asks for at one (K, d, eps).</summary>
/// <param name="K">m_1 + n_1.</param>
/// <param name="InputDim">d.</param>
/// <param name="Epsilon">eps.</param>
/// <param name="Samples">ceil(C_N K^{5/2} d^3 / eps): teacher-aware points (augmented points included).</param>
/// <param name="GradientLevel">C_g eps / (K^{3/2} sqrt d): the per-sample gradient training must reach.</param>
public sealed record SampleSizePlan(int K, int InputDim, double Epsilon, int Samples, double GradientLevel)
{
    /// <summary>The plan of <paramref name="bound"/> for a teacher of width m and a student of width n.</summary>
    public static SampleSizePlan For(SampleComplexity bound, int teacherWidth, int studentWidth, int d, double eps)
    {
        var k = SampleComplexity.K(teacherWidth, studentWidth);
        var samples = bound.RequiredSamples(k, d, eps);
        if (samples > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"The bound asks for {samples:G3} samples at K = {k}, d = {d}, eps = {eps}: too many to build.");
        return new SampleSizePlan(k, d, eps, (int)Math.Ceiling(samples), bound.GradientThreshold(k, d, eps));
    }
}

/// <summary>N* of one (K, d, seed): null when the ladder found none (censored at <see cref="LadderTop"/>).</summary>
public sealed record NStarEntry(int K, int D, int Seed, int? NStar, int LadderTop, double Bound);

/// <summary>
/// The numbers of claim 3 as a scaling law: eps, C and the cosine they give, the fitted exponents
/// of N* in K and d with their 95% intervals, every N*, how many ladders were censored (top rung at
/// the level, not specialized) or unreached (top rung short of the level), and the largest N* / bound.
/// </summary>
public sealed record SampleScalingNumbers(double Epsilon, double AlignmentConstant, double CosineThreshold, string Data,
    double SlopeK, double[] SlopeKCi95, double SlopeD, double[] SlopeDCi95, double BoundExponentK, double BoundExponentD,
    int Points, int Censored, int Unreached, double MaxRatioToBound, IReadOnlyList<NStarEntry> NStar) : ClaimNumbers;

/// <summary>
/// Claim 3 (polynomial sample complexity, two layers) measured as a scaling law. Hypotheses:
/// teacher-aware training data (Gaussian or any other data leaves the positive claim silent), and
/// N* counted only where the run reached the gradient level eps / (K^{3/2} sqrt d) that
/// <see cref="SampleComplexity"/> prescribes for <see cref="SampleScalingSettings.Epsilon"/>.
/// Conclusion: every teacher node specialized (1 - max cos &lt;= C eps) at some N no larger than
/// the bound K^{5/2} d^3 / eps, and the log-log slopes of N* in K and d not above 5/2 and 3.
/// <list type="bullet">
/// <item>holds: every ladder that met the precondition found N* (none censored), N* &lt;= bound,
/// and both slopes' 95% intervals lie at or below the bound's exponents. A ladder whose top rungs
/// never reached the gradient level missed the precondition there ("unreached"): it is left out,
/// like any inconclusive case, and counted in the numbers;</item>
/// <item>fails: a ladder whose run at the bound's own N reached the level without specializing (the
/// constants-1 bound refuted), or a slope's 95% interval wholly above its exponent (the growth
/// exceeds the O(.), whatever the constant). Censored ladders are left out of the fit, which can
/// only lower the slopes, so a fit that fails despite them fails;</item>
/// <item>inconclusive otherwise: data not teacher-aware, too few K or d values for a fit, an
/// interval that straddles the exponent, or censored ladders (top rung at the level, not
/// specialized) under a fit that would hold.</item>
/// </list>
/// </summary>
public static class SampleSizeClaim
{
    public const double ExponentK = Rules.SampleExponentK, ExponentD = Rules.SampleExponentD;

    public static ClaimInfo Info { get; } = new("sample-complexity",
        "A teacher-aware dataset of N = O(K^{5/2} d^3 / eps) points, trained to max_x ||g_1(x)|| <= eps / (K^{3/2} sqrt d), specializes every teacher node " +
        "(1 - max_k cos(w_k, w*_j) <= C eps): N*(K, d) is below the bound and grows no faster than K^{5/2} d^3",
        "abstract; notes section 3, claim 3");

    public static ClaimOutcome<SampleScalingNumbers> Judge(IReadOnlyList<ScalingPoint> points, SampleScalingSettings settings)
    {
        if (points.Count == 0) throw new ArgumentException("The scaling judge needs at least one ladder.", nameof(points));
        var threshold = SampleScalingSettings.CosineThreshold;
        var entries = points.Select(p => new NStarEntry(p.K, p.D, p.SeedIndex, p.NStar(threshold), p.Ladder.Length == 0 ? 0 : p.Ladder[^1], p.BoundSamples)).ToArray();
        var found = entries.Where(e => e.NStar is not null).ToArray();
        // A ladder without N* whose top rung reached the level (without specializing) shows N* above its top: censored.
        // One whose top rung never reached the level missed the precondition there: unreached, left out like any inconclusive case.
        var missing = points.Where(p => p.NStar(threshold) is null).ToArray();
        var censoredPoints = missing.Where(p => p.Runs.Count > 0 && p.Runs[^1].ReachedLevel).ToArray();
        var censored = censoredPoints.Length;
        var unreached = missing.Length - censored;
        var refuted = censoredPoints.Where(p => p.LadderReachesBound).ToArray();
        var kinds = points.Select(p => p.Data).Distinct().ToArray();
        var teacherAware = kinds.All(k => k == ScalingData.TeacherAware);
        var fit = Fit(found);
        var maxRatio = found.Length == 0 ? double.NaN : found.Max(e => e.NStar!.Value / e.Bound);

        var slopeAbove = fit is { } f && (f.K.Low > ExponentK || f.D.Low > ExponentD);
        var slopeWithin = fit is { } g && g.K.High <= ExponentK && g.D.High <= ExponentD;
        // The conclusion as observed, whatever the precondition: on the ladders that reached the level somewhere at
        // their top (or, with none, on every ladder, any run), every teacher specialized by the bound, and the slopes within.
        var observedOn = points.Count == unreached ? points : points.Where(p => p.NStar(threshold) is not null || censoredPoints.Contains(p)).ToArray();
        var specializedEverywhere = observedOn.All(p => p.Runs.Any(r => r.Specialized(threshold) && r.Samples <= p.BoundSamples) && (p.NStar(threshold) is not null || points.Count == unreached));
        bool conclusion = specializedEverywhere && censored == 0 && (fit is null || slopeWithin);
        string? missed = !teacherAware ? $"hypothesis missed: training data {string.Join("/", kinds)}, not teacher-aware"
            : refuted.Length > 0 || slopeAbove ? null
            : fit is null ? $"no fit: N* found at {found.Select(e => e.K).Distinct().Count()} K and {found.Select(e => e.D).Distinct().Count()} d values (needs 2 of each and 4 ladders)"
            : censored > 0 ? $"{censored} of {entries.Length} ladders reached the level at their top rung ({entries.Max(e => e.LadderTop)} points) without specializing (censored; the fit without them can only lower the slopes)"
            : !slopeWithin ? "a slope's 95% interval straddles its exponent"
            : null;
        var verdict = missed is not null ? Verdict.Inconclusive : refuted.Length > 0 || slopeAbove ? Verdict.Fails : conclusion ? Verdict.Holds : Verdict.Inconclusive;

        var inv = CultureInfo.InvariantCulture;
        var grid = string.Join("; ", entries.GroupBy(e => (e.K, e.D)).Select(g =>
            FormattableString.Invariant($"K {g.Key.K} d {g.Key.D}: N* [{string.Join(",", g.Select(e => e.NStar?.ToString(inv) ?? $">{e.LadderTop}"))}] (bound {g.First().Bound:0})")));
        var slopes = fit is { } h
            ? FormattableString.Invariant($"slope in K {h.K.Slope:0.00} [{h.K.Low:0.00}, {h.K.High:0.00}] (bound {ExponentK}), in d {h.D.Slope:0.00} [{h.D.Low:0.00}, {h.D.High:0.00}] (bound {ExponentD})")
            : "no fit";
        var evidence = (FormattableString.Invariant($"eps {SampleScalingSettings.Epsilon}, C {SampleScalingSettings.AlignmentConstant} (specialized: max cos >= {threshold}); {string.Join("/", kinds)} data; {grid}; {slopes}; ") +
            FormattableString.Invariant($"{censored} censored, {unreached} unreached (top rungs short of the level: left out){(refuted.Length > 0 ? $"; NOT specialized at the bound's N: {string.Join(", ", refuted.Select(p => p.Runs[^1].ToString()))}" : "")}"));
        var numbers = new SampleScalingNumbers(SampleScalingSettings.Epsilon, SampleScalingSettings.AlignmentConstant, threshold, string.Join("/", kinds),
            fit?.K.Slope ?? double.NaN, fit is { } a ? [a.K.Low, a.K.High] : [double.NaN, double.NaN],
            fit?.D.Slope ?? double.NaN, fit is { } b ? [b.D.Low, b.D.High] : [double.NaN, double.NaN],
            ExponentK, ExponentD, entries.Length, censored, unreached, maxRatio, entries);
        return new ClaimOutcome<SampleScalingNumbers>(Info, verdict, evidence, numbers)
        {
            Reason = missed,
            ConclusionObserved = conclusion,
        };
    }

    /// <summary>
    /// Ordinary least squares log N* = a + b_K log K + b_d log d over the found points, with
    /// Student-t 95% intervals of b_K and b_d; null without two K values, two d values and at least
    /// one residual degree of freedom.
    /// </summary>
    public static ((double Slope, double Low, double High) K, (double Slope, double Low, double High) D)? Fit(IReadOnlyList<NStarEntry> found)
    {
        if (found.Select(e => e.K).Distinct().Count() < 2 || found.Select(e => e.D).Distinct().Count() < 2 || found.Count < 4) return null;
        var x = Matrix<double>.Build.Dense(found.Count, 3, (i, j) => j == 0 ? 1 : j == 1 ? Math.Log(found[i].K) : Math.Log(found[i].D));
        var y = Vector<double>.Build.Dense(found.Count, i => Math.Log(found[i].NStar!.Value));
        var xtx = x.TransposeThisAndMultiply(x);
        var beta = xtx.Solve(x.TransposeThisAndMultiply(y));
        var residual = y - x * beta;
        var dof = found.Count - 3;
        var s2 = residual.DotProduct(residual) / dof;
        var cov = xtx.Inverse() * s2;
        var t = StudentT.InvCDF(0, 1, dof, 0.975);
        (double, double, double) Interval(int j) => (beta[j], beta[j] - t * Math.Sqrt(cov[j, j]), beta[j] + t * Math.Sqrt(cov[j, j]));
        return (Interval(1), Interval(2));
    }
}
