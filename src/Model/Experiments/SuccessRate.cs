using Verify.Model.Claims;

namespace Verify.Model.Experiments;

/// <summary>Success rate of one (p, multi) group: the fraction of seeds covering teacher j, per j.</summary>
public sealed record SuccessCurve(double Decay, int Multi, int Seeds, double[] Early, double[] End)
{
    /// <summary>Rate over the strongest third of teachers minus the rate over the weakest third.</summary>
    public static double Drop(double[] rate)
    {
        var third = Math.Max(1, rate.Length / 3);
        return rate.Take(third).Average() - rate.Skip(rate.Length - third).Average();
    }
}

/// <summary>
/// The success-rate figure (claims 5 and 6): per teacher index j, the fraction of seeds in which
/// teacher j is covered (eval rho &gt; 0.95), after the early epoch and at the end, per multi and p.
/// </summary>
public static class SuccessRate
{
    public static IReadOnlyList<SuccessCurve> Curves(IEnumerable<TwoLayerRun> runs) =>
        runs.GroupBy(r => (r.Config.Decay, r.Config.Multi)).OrderBy(g => g.Key.Decay).ThenBy(g => g.Key.Multi)
            .Select(g => new SuccessCurve(g.Key.Decay, g.Key.Multi, g.Count(), Rate(g, r => r.CoveredEarly), Rate(g, r => r.CoveredAtEnd)))
            .ToArray();

    static double[] Rate(IEnumerable<TwoLayerRun> runs, Func<TwoLayerRun, bool[]> covered)
    {
        var list = runs.Select(covered).ToArray();
        return Enumerable.Range(0, list[0].Length).Select(j => list.Average(c => c[j] ? 1.0 : 0.0)).ToArray();
    }

    /// <summary>Mean over early and end, and over multi, of the strong-third minus weak-third rate, per p.</summary>
    public static IReadOnlyDictionary<double, double> DropByDecay(IReadOnlyList<SuccessCurve> curves) =>
        curves.GroupBy(c => c.Decay).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Average(c => (SuccessCurve.Drop(c.Early) + SuccessCurve.Drop(c.End)) / 2));

    /// <summary>
    /// "Strong teachers are specialized first": for every p &gt;= 1 the success rate falls from the
    /// strongest third of teachers to the weakest (drop &gt; 0), and the drop does not shrink as p grows.
    /// </summary>
    public static ClaimOutcome StrongTeachersFirst(IReadOnlyList<TwoLayerRun> runs)
    {
        const string claim = "Strong teachers first: success rate falls with teacher index for p >= 1, more steeply for larger p";
        var numbers = new Dictionary<string, double>();
        if (Inconclusive(runs, claim, numbers) is { } none) return none;
        var drops = DropByDecay(Curves(runs));
        foreach (var (p, drop) in drops) numbers[$"drop_p_{p}"] = drop;
        var decaying = drops.Where(d => d.Key >= 1).ToArray();
        if (decaying.Length == 0) return new ClaimOutcome(claim, Verdict.Inconclusive, "no run with p >= 1.", numbers);
        var falls = decaying.All(d => d.Value > 0);
        var steeper = drops.Zip(drops.Skip(1)).All(pair => pair.Second.Value >= pair.First.Value);
        var evidence = $"success rate of the strongest third of teachers minus the weakest third (mean of early and end, over multi): " +
                       string.Join(", ", drops.Select(d => $"p {d.Key}: {d.Value:+0.00;-0.00;0.00}")) +
                       $"; positive for every p >= 1: {(falls ? "yes" : "no")}, non-decreasing in p: {(steeper ? "yes" : "no")}; {Seeds(runs)} seeds.";
        return new ClaimOutcome(claim, falls && steeper ? Verdict.Holds : Verdict.Fails, evidence, numbers);
    }

    /// <summary>"Over-realization helps": mean success rate (over teachers, p, early and end) is higher at the largest multi than at the smallest.</summary>
    public static ClaimOutcome RisesWithMulti(IReadOnlyList<TwoLayerRun> runs)
    {
        const string claim = "Over-realization helps: success rate rises with multi";
        var numbers = new Dictionary<string, double>();
        if (Inconclusive(runs, claim, numbers) is { } none) return none;
        var byMulti = Curves(runs).GroupBy(c => c.Multi).OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Average(c => (c.Early.Average() + c.End.Average()) / 2));
        foreach (var (multi, rate) in byMulti) numbers[$"rate_multi_{multi}"] = rate;
        if (byMulti.Count < 2) return new ClaimOutcome(claim, Verdict.Inconclusive, "only one multi.", numbers);
        var rises = byMulti.Last().Value > byMulti.First().Value;
        var evidence = "mean success rate over teachers, p, early and end: " + string.Join(", ", byMulti.Select(p => $"multi {p.Key}: {p.Value:P0}")) +
                       $"; largest multi above smallest: {(rises ? "yes" : "no")}; {Seeds(runs)} seeds.";
        return new ClaimOutcome(claim, rises ? Verdict.Holds : Verdict.Fails, evidence, numbers);
    }

    /// <summary>Final coverage is at least the early coverage, for every (p, multi) group (mean over teachers and seeds).</summary>
    public static ClaimOutcome FinalAtLeastEarly(IReadOnlyList<TwoLayerRun> runs)
    {
        const string claim = "Training keeps what it found: final success rate >= success rate after the early epoch";
        var numbers = new Dictionary<string, double>();
        if (Inconclusive(runs, claim, numbers) is { } none) return none;
        var curves = Curves(runs);
        var worst = curves.MinBy(c => c.End.Average() - c.Early.Average())!;
        numbers["early_mean"] = curves.Average(c => c.Early.Average());
        numbers["end_mean"] = curves.Average(c => c.End.Average());
        numbers["worst_gain"] = worst.End.Average() - worst.Early.Average();
        var holds = curves.All(c => c.End.Average() >= c.Early.Average());
        var evidence = $"mean success rate after epoch {runs[0].EarlyEpoch}: {numbers["early_mean"]:P0}, at the end (epoch {runs[0].Config.Epochs}): {numbers["end_mean"]:P0}; " +
                       $"smallest gain {numbers["worst_gain"]:+0.00;-0.00;0.00} at p {worst.Decay}, multi {worst.Multi}; {Seeds(runs)} seeds.";
        return new ClaimOutcome(claim, holds ? Verdict.Holds : Verdict.Fails, evidence, numbers);
    }

    internal static int Seeds(IEnumerable<TwoLayerRun> runs) => runs.Select(r => r.Config.Seed).Distinct().Count();

    internal static ClaimOutcome? Inconclusive(IReadOnlyList<TwoLayerRun> runs, string claim, Dictionary<string, double> numbers)
    {
        if (runs.Count == 0) return new ClaimOutcome(claim, Verdict.Inconclusive, "no runs.", numbers);
        var diverged = runs.Where(r => r.Outcome == Training.TrainingOutcome.Diverged).ToArray();
        numbers["diverged_runs"] = diverged.Length;
        return diverged.Length > 0
            ? new ClaimOutcome(claim, Verdict.Inconclusive, $"{diverged.Length} of {runs.Count} runs diverged, e.g. {diverged[0].Config}.", numbers)
            : null;
    }
}
