namespace Verify.Model.Experiments;

/// <summary>Success rate of one (p, multi) group: the fraction of seeds covering teacher j, per j.</summary>
public sealed record SuccessCurve(double Decay, int Multi, int Seeds, double[] Early, double[] End)
{
    /// <summary>Per teacher, the Clopper-Pearson 95% interval of a rate that is a fraction of <see cref="Seeds"/> seeds.</summary>
    public (double[] Low, double[] High) Interval(double[] rate)
    {
        var bounds = rate.Select(r => Analysis.Statistics.ClopperPearson((int)Math.Round(r * Seeds), Seeds)).ToArray();
        return (bounds.Select(b => b.Low).ToArray(), bounds.Select(b => b.High).ToArray());
    }

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
/// Evidence only: the verdicts are <see cref="Claims.StrongTeachersFirstClaim"/>,
/// <see cref="Claims.OverRealizationClaim"/> and <see cref="Claims.KeepsWhatItFoundClaim"/>.
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
}
