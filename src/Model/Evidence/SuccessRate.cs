namespace Verify.Model.Evidence;

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
