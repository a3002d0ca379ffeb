using Verify.Model.Claims;

namespace Verify.Model.Experiments;

/// <summary>
/// The L-shape (claim 4, "un-specialized students vanish"): after training, each student node
/// either correlates above tau with some teacher node (train set) or has a fan-out norm near zero.
/// A node that does neither is a "neither" node; the claim is that they are rare in over-realized
/// students and that their share does not grow with multi.
/// </summary>
public static class LShape
{
    /// <summary>tau for "correlates with a teacher": the paper's 0.95.</summary>
    public const double Tau = 0.95;

    /// <summary>
    /// "Near-zero fan-out": ||v_k|| below this fraction of the largest teacher fan-out norm. The
    /// paper's L-shape plots show un-specialized nodes at a few percent of the teacher's scale; 0.1
    /// leaves room for nodes still shrinking at the end of a short budget.
    /// </summary>
    public const double SmallFanOutFraction = 0.1;

    /// <summary>Most "neither" nodes an over-realized run may have, as a share of its student nodes.</summary>
    public const double MaxNeitherShare = 0.1;

    /// <summary>Share of student nodes in <paramref name="run"/> that neither correlate above tau nor have a small fan-out.</summary>
    public static double NeitherShare(TwoLayerRun run)
    {
        var scale = run.TeacherFanoutNorm.Max();
        var neither = run.BestCorrPerStudent.Zip(run.StudentFanoutNorm).Count(p => p.First <= Tau && p.Second >= SmallFanOutFraction * scale);
        return neither / (double)run.BestCorrPerStudent.Length;
    }

    /// <summary>Mean neither-share over seeds, per multi.</summary>
    public static IReadOnlyDictionary<int, double> NeitherShareByMulti(IEnumerable<TwoLayerRun> runs) =>
        runs.GroupBy(r => r.Config.Multi).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Average(NeitherShare));

    /// <summary>
    /// Holds when every over-realized run (multi &gt;= 2) has at most <see cref="MaxNeitherShare"/>
    /// "neither" nodes and the mean share at the largest multi is at most that at the smallest.
    /// Inconclusive when a run diverged or no run is over-realized.
    /// </summary>
    public static ClaimOutcome Evaluate(IReadOnlyList<TwoLayerRun> runs, string claim = "L-shape: un-specialized student nodes end with ~0 fan-out")
    {
        var numbers = new Dictionary<string, double>();
        if (runs.Count == 0) return new ClaimOutcome(claim, Verdict.Inconclusive, "no runs.", numbers);
        var diverged = runs.Count(r => r.Outcome == Training.TrainingOutcome.Diverged);
        numbers["diverged_runs"] = diverged;
        if (diverged > 0)
            return new ClaimOutcome(claim, Verdict.Inconclusive, $"{diverged} of {runs.Count} runs diverged: {runs.First(r => r.Outcome == Training.TrainingOutcome.Diverged).Config}.", numbers);
        var over = runs.Where(r => r.Config.Multi >= 2).ToArray();
        if (over.Length == 0) return new ClaimOutcome(claim, Verdict.Inconclusive, "no over-realized run (multi >= 2).", numbers);

        var byMulti = NeitherShareByMulti(runs);
        foreach (var (multi, share) in byMulti) numbers[$"neither_share_multi_{multi}"] = share;
        var worst = over.MaxBy(NeitherShare)!;
        numbers["worst_neither_share"] = NeitherShare(worst);
        var (lo, hi) = (byMulti.First(), byMulti.Last());
        var rare = NeitherShare(worst) <= MaxNeitherShare;
        var shrinks = hi.Value <= lo.Value;
        var shares = string.Join(", ", byMulti.Select(p => $"multi {p.Key}: {p.Value:P1}"));
        var evidence = $"share of student nodes with best rho <= {Tau} and fan-out >= {SmallFanOutFraction} x max teacher fan-out: {shares}; " +
                       $"worst over-realized run {NeitherShare(worst):P1} ({worst.Config}); allowed {MaxNeitherShare:P0}, non-increasing in multi: {(shrinks ? "yes" : "no")}.";
        return new ClaimOutcome(claim, rare && shrinks ? Verdict.Holds : Verdict.Fails, evidence, numbers);
    }
}
