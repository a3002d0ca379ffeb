using Verify.Model.Evidence;

namespace Verify.Model.Claims;

/// <summary>Which claims each sweep of the paper is judged on, in one place (the report and `verify two-layer` call these).</summary>
public static class SweepClaims
{
    /// <summary>
    /// The claims of the two-layer L-shape sweep and the success-rate sweep; <paramref name="runSeed"/>
    /// names the bootstraps of claim 5 (its epoch and its gradient reading). The convergence figure is reported (<see cref="Convergence.FinalLoss"/>), not judged.
    /// </summary>
    public static ClaimOutcome[] TwoLayer(IReadOnlyList<TwoLayerRun> lshape, IReadOnlyList<TwoLayerRun> success, long runSeed)
    {
        var timelines = SweepEvidence.Timelines(success);
        return
        [
            LShapeVerdict.Judge(lshape),
            timelines.Length > 0 ? StrongTeachersFirstClaim.Judge(timelines, runSeed) : Outcome.NotJudged(StrongTeachersFirstClaim.Info, "no runs"),
            timelines.Length > 0 ? StrongTeachersFirstByGradientClaim.Judge(timelines, runSeed) : Outcome.NotJudged(StrongTeachersFirstByGradientClaim.Info, "no runs"),
            timelines.GroupBy(t => t.Series).Any(g => g.Select(t => t.Multi).Distinct().Count() >= 2)
                ? OverRealizationClaim.Judge(timelines)
                : Outcome.NotJudged(OverRealizationClaim.Info, "hypothesis missed: no runs that differ only in multi"),
            KeepsWhatItFoundClaim.Judge(success),
        ];
    }

    /// <summary>The claims of the leaky-ReLU sweep.</summary>
    public static ClaimOutcome[] Leaky(IReadOnlyList<TwoLayerRun> runs) =>
        [LShapeVerdict.Judge(runs, VanishingClaim.LShapeLeaky), LeakyStrongTeachersClaim.Judge(runs)];
}
