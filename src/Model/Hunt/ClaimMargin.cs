using Verify.Model.Claims;

namespace Verify.Model.Hunt;

/// <summary>
/// How close a judged case came to failing its claim, read from the judge's typed numbers: one
/// number per conclusive case, positive where the claim holds (its slack to the nearest rule), at
/// most 0 where it fails (how far past the rule), smaller is closer to failing; NaN for an
/// inconclusive case. The hunt steers toward small margins; the verdict, never the margin, says
/// whether a case is a counterexample (the margin of a failure is clipped to at most 0, of a pass
/// to at least 0, where the numbers alone would disagree with the judge, e.g. rho and cos above
/// tau at different student nodes).
/// </summary>
public static class ClaimMargin
{
    /// <summary>What each margin measures, for the report.</summary>
    public const string Description =
        "claim 1 (two and three layers): min over teachers of (best rho - tau) and (best cos - tau), or, where a verified mirror stands in (hyperplane reading), " +
        "the compensation residue's slack (1 - residue / 0.01) x (1 - tau); claim 2: 0.1 - the largest residual jump ratio, less the share of judged teachers " +
        "without an aligned student; claim 4: the fan-out tolerance (0.05) - the largest offending fan-out, or, where mirrors or affine nodes are excused, " +
        "the residue's slack x the tolerance";

    /// <summary>The margin of one verdict; NaN when it is inconclusive.</summary>
    public static double Of(ClaimOutcome outcome)
    {
        if (outcome.Verdict == Verdict.Inconclusive) return double.NaN;
        var fails = outcome.Verdict == Verdict.Fails;
        var raw = outcome.NumbersObject switch
        {
            SpecializationNumbers n => Specialization(n, fails),
            CoreArgumentNumbers n => CoreArgument(n, fails),
            VanishingNumbers n => Vanishing(n, fails),
            _ => throw new ArgumentException($"No margin is defined for the numbers of claim '{outcome.Claim.Id}' ({outcome.NumbersObject.GetType().Name}).", nameof(outcome)),
        };
        return fails ? Math.Min(raw, 0) : Math.Max(raw, 0);
    }

    /// <summary>Claim 1: every teacher needs a node with rho and cos above tau; a teacher matched only by a verified mirror is as safe as its compensation.</summary>
    static double Specialization(SpecializationNumbers n, bool fails)
    {
        var aligned = Math.Min(n.MinBestCorrelation - Rules.Tau, n.MinBestCosine - Rules.AlignedCosine);
        return !fails && n.MatchedOnlyByMirror > 0 ? ResidueSlack(n.CompensationResidue) * (1 - Rules.Tau) : aligned;
    }

    /// <summary>Claim 2: every measured jump cancelled below <see cref="Rules.CancelledJump"/> and every judged teacher aligned.</summary>
    static double CoreArgument(CoreArgumentNumbers n, bool fails)
    {
        var jump = double.IsNaN(n.MaxJumpRatio) ? Rules.CancelledJump : Rules.CancelledJump - n.MaxJumpRatio;
        return fails ? Math.Min(jump, 0) - (n.Judged - n.Aligned) / (double)Math.Max(1, n.Judged) : jump;
    }

    /// <summary>Claim 4: no node with fan-out above the tolerance left unexplained; excused mirrors and affine nodes are as safe as their compensation.</summary>
    static double Vanishing(VanishingNumbers n, bool fails)
    {
        if (fails) return n.FanOutTolerance - n.LargestOffendingFanOut;
        var slack = n.FanOutTolerance;
        if (n.MirrorsOfATeacher + n.AffineOnTheData > 0 && double.IsFinite(n.CompensationResidue))
            slack = Math.Min(slack, ResidueSlack(n.CompensationResidue) * n.FanOutTolerance);
        return slack;
    }

    /// <summary>1 at no residue, 0 at the largest residue a verified compensation may leave.</summary>
    static double ResidueSlack(double residue) => double.IsFinite(residue) ? 1 - residue / Rules.MaxCompensationResidue : 0;
}
