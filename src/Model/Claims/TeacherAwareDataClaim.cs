using Verify.Model.Evidence;

namespace Verify.Model.Claims;

public sealed record TeacherAwareNumbers(IReadOnlyList<SizeValue> Coverage, double SmallNGap, double MinCoverageGap, int Seeds) : ClaimNumbers;

/// <summary>
/// Claim 3 as the paper's data comparison shows it: over the smaller half of the sizes, teacher-aware
/// training data covers on average at least <see cref="MinCoverageGap"/> more of the teachers than
/// Gaussian data of the same size (coverage on Gaussian eval data).
/// </summary>
public static class TeacherAwareDataClaim
{
    /// <summary>"Clearly more": with m = 5 teachers, 0.2 is one teacher node per run on average.</summary>
    public const double MinCoverageGap = Rules.TeacherAwareMinCoverageGap;

    /// <summary>
    /// Coverages are fractions of whole teachers, so a gap of exactly one teacher in five is 0.2; in
    /// float64 it comes out as 0.6 - 0.4 = 0.19999999999999996. Differences below this are round-off.
    /// </summary>
    public const double RoundOff = 1e-12;

    public static ClaimInfo Info { get; } = new("teacher-aware-data",
        "At small N, teacher-aware training data covers clearly more teacher nodes (mean gap >= 0.2) than Gaussian data of the same size",
        "notes section 4, teacher-aware vs Gaussian data (claim 3)");

    /// <param name="runs">The sample-size sweep.</param>
    /// <param name="aware">The runs that play the teacher-aware part (the negative control passes <see cref="TrainingData.TeacherAwareOfAnotherTeacher"/>).</param>
    public static ClaimOutcome<TeacherAwareNumbers> Judge(IReadOnlyList<TwoLayerRun> runs, TrainingData aware = TrainingData.TeacherAware)
    {
        var curves = SampleSize.Curves(runs);
        var awareCurve = curves.FirstOrDefault(c => c.Data == aware);
        var gauss = curves.FirstOrDefault(c => c.Data == TrainingData.Gaussian);
        var missed = SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config) ??
                     (awareCurve is null || gauss is null || !awareCurve.Sizes.SequenceEqual(gauss.Sizes) ? "hypothesis missed: needs runs of both kinds of data at the same sizes" : null);
        if (awareCurve is null || gauss is null || !awareCurve.Sizes.SequenceEqual(gauss.Sizes))
            return Outcome.Judged(Info, missed, false, "needs runs of both kinds of data at the same sizes.", new TeacherAwareNumbers([], double.NaN, MinCoverageGap, SweepEvidence.Seeds(runs)));
        var small = Math.Max(1, (awareCurve.Sizes.Length + 1) / 2);
        var coverage = awareCurve.Sizes.Select((n, i) => new SizeValue(n, awareCurve.Coverage[i], gauss.Coverage[i])).ToArray();
        var gap = coverage.Take(small).Average(c => c.TeacherAware - c.Gaussian);
        var evidence = "mean coverage at tau 0.95 (" + (aware == TrainingData.TeacherAware ? "teacher-aware" : aware.ToString()) + " vs Gaussian): " +
                       string.Join(", ", coverage.Select(c => FormattableString.Invariant($"N {c.Samples}: {c.TeacherAware:0.00} vs {c.Gaussian:0.00}"))) +
                       FormattableString.Invariant($"; mean gap over the {small} smallest N {gap:+0.00;-0.00}, required >= {MinCoverageGap}; {SweepEvidence.Seeds(runs)} seeds.");
        return Outcome.Judged(Info, missed, gap >= MinCoverageGap - RoundOff, evidence, new TeacherAwareNumbers(coverage, gap, MinCoverageGap, SweepEvidence.Seeds(runs)));
    }
}
