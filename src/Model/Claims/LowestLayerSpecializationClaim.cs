using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>The numbers of claim 1 on one trained pair.</summary>
/// <param name="Teachers">Teacher nodes.</param>
/// <param name="Matched">Teachers matched (up to verified mirrors when they are allowed).</param>
/// <param name="MinBestCorrelation">min_j max_k rho_jk.</param>
/// <param name="MinBestCosine">min_j max_k cos(w*_j, w_k).</param>
/// <param name="MaxSampleGradient">max_x ||g_1(x)|| at the end of training.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="MatchedOnlyByMirror">Teachers matched only by a verified mirror (0 when mirrors get no credit).</param>
/// <param name="UnverifiedMirrors">Mirrored nodes (cos &lt; -0.95) that failed the mirror check (<see cref="MirrorCheck"/>).</param>
/// <param name="CompensationResidue">The residue of the mirrors' and affine-on-data nodes' combined map; NaN for deeper pairs.</param>
public record SpecializationNumbers(int Teachers, int Matched, int MatchedOnlyByMirror, int UnverifiedMirrors, double CompensationResidue,
    double MinBestCorrelation, double MinBestCosine, double MaxSampleGradient, long Steps) : ClaimNumbers;

/// <summary>
/// The numbers of claim 1 on one deep pair: the lowest layer's (the verdict's, those of <see cref="SpecializationNumbers"/>),
/// the point before the finish and how far the finisher moved the student, and every hidden layer's numbers (reported, not judged).
/// </summary>
/// <param name="Lowest">The lowest layer's numbers at the judged point (this record's own fields).</param>
/// <param name="HiddenLayers">Hidden layers of the pair (2 for a three-layer network).</param>
/// <param name="MaxGradientEveryLayer">max_x max_l ||g_l(x)|| over every layer, the output residual included, at the judged point (the precondition's measure).</param>
/// <param name="EndpointMaxSampleGradient">max_x ||g_1(x)|| where gradient descent handed over to the finisher; NaN without a finish.</param>
/// <param name="EndpointMinBestCorrelation">min_j max_k rho_jk there.</param>
/// <param name="EndpointMinBestCosine">min_j max_k cos(w*_j, w_k) there.</param>
/// <param name="FinishParameterDistance">||theta_finished - theta_endpoint|| over every weight and bias; NaN without a finish.</param>
/// <param name="FinishRelativeDistance">The same over ||theta_endpoint||.</param>
/// <param name="BestCorrelationPerLayer">Per hidden layer, lowest first: max_k rho_jk of each teacher node j.</param>
/// <param name="FanOutStrengthPerLayer">Per hidden layer, lowest first: E_x[beta_kk(x)] of each student node k (the paper's recursion).</param>
public sealed record DeepSpecializationNumbers(
    [property: System.Text.Json.Serialization.JsonIgnore] SpecializationNumbers Lowest, int HiddenLayers, double MaxGradientEveryLayer,
    double EndpointMaxSampleGradient, double EndpointMinBestCorrelation, double EndpointMinBestCosine,
    double FinishParameterDistance, double FinishRelativeDistance,
    double[][] BestCorrelationPerLayer, double[][] FanOutStrengthPerLayer) : SpecializationNumbers(Lowest);

/// <summary>
/// Claim 1 (lowest-layer specialization): when the per-sample gradient is small at every training
/// sample, every lowest-layer teacher node j is matched by a student node k with rho_jk &gt; tau and
/// cos(w*_j, w_k) &gt; tau (both for the same k). Hypotheses checked on the evidence: the run reached
/// its gradient target (the precondition) and the data straddles every teacher boundary (a teacher
/// node that is one-signed on the data is affine there and cannot be told apart from others);
/// a case that misses one is inconclusive, with the reason.
/// </summary>
public static class LowestLayerSpecializationClaim
{
    public static ClaimInfo Info { get; } = new("lowest-layer-specialization",
        "Once the gradient is small at every training sample, every lowest-layer teacher node is specialized by a student node",
        "abstract; notes section 3, claim 1");


    /// <summary>The criteria of a reading: the paper's (rho and cos above tau for one node) or the hyperplane reading (verified mirrors too).</summary>
    public static SpecializationCriteria Criteria(Reading reading) => reading == Reading.Paper ? SpecializationCriteria.Paper : SpecializationCriteria.Hyperplane;

    /// <summary>Judges one trained pair under <paramref name="criteria"/> (the paper's reading unless given).</summary>
    public static ClaimOutcome<SpecializationNumbers> Judge(PairEvidence e, SpecializationCriteria? criteria = null)
    {
        criteria ??= SpecializationCriteria.Paper;
        criteria.Validate();
        var report = e.Report;
        var covered = MatchedTeachers(e, criteria).Count(c => c);
        var strictCovered = MatchedTeachers(e, criteria with { AllowMirror = false }).Count(c => c);
        var mirrored = covered - strictCovered;
        var unverified = e.Compensation is { } comp
            ? Enumerable.Range(0, report.Students).Count(k => comp.MirroredTeacher[k] >= 0 && !MirrorCheck.VerifiedMirrors(e, comp.MirroredTeacher[k], criteria.Correlation).Contains(k))
            : 0;
        var conclusion = covered == report.Teachers;
        var missed = !e.ReachedGradientTarget ? $"precondition not reached: {e.PreconditionMissed}"
            : !e.DataStraddles.All(s => s) ? "hypothesis missed: the data does not cross every teacher boundary"
            : null;
        var bestRho = report.BestCorrelationPerTeacher;
        var bestCos = report.BestCosinePerTeacher;
        var evidence = (FormattableString.Invariant($"{e.Case}: {covered}/{report.Teachers} teachers matched (rho > {criteria.Correlation}, cos > {criteria.Cosine}{(criteria.AllowMirror ? $", verified mirrors allowed: {mirrored} matched only by a mirror; strictly {strictCovered}/{report.Teachers}" : "")}); ") +
            FormattableString.Invariant($"best rho per teacher [{Outcome.Join(bestRho)}], best cos [{Outcome.Join(bestCos)}]; {MirrorCheck.Describe(e, criteria.Correlation)}; training {e.Training?.ToString() ?? "none"}"));
        return Outcome.Judged(Info, missed, conclusion, evidence,
            new SpecializationNumbers(report.Teachers, covered, mirrored, unverified, e.Compensation?.Residue ?? double.NaN, bestRho.Min(), bestCos.Min(), e.MaxSampleGradient, e.Training?.Steps ?? 0));
    }

    /// <summary>
    /// Judges a pair of any depth by the same rule (<see cref="Judge(PairEvidence, SpecializationCriteria?)"/>, on its lowest layer), at the
    /// per-sample gradient <paramref name="maxGradient"/> (<see cref="Rules.DeepGradient"/> unless given): a run above it is inconclusive,
    /// whatever target it was trained to. The finish and the upper layers are reported in the numbers and the evidence, not judged.
    /// </summary>
    public static ClaimOutcome<DeepSpecializationNumbers> Judge(DeepPairEvidence e, SpecializationCriteria? criteria = null, double maxGradient = Rules.DeepGradient)
    {
        var lowest = Judge(e.Lowest, criteria);
        var aboveLevel = lowest.Reason is null && !(e.MaxGradientEveryLayer <= maxGradient)
            ? FormattableString.Invariant($"precondition not reached: a layer's per-sample gradient is above {maxGradient:G3}")
            : null;
        var finish = e.Finish;
        var numbers = new DeepSpecializationNumbers(lowest.Numbers, e.HiddenLayers, e.MaxGradientEveryLayer,
            finish?.Endpoint.MaxSampleGradient ?? double.NaN, finish?.EndpointMinBestCorrelation ?? double.NaN, finish?.EndpointMinBestCosine ?? double.NaN,
            finish?.Finish.ParameterDistance ?? double.NaN, finish?.Finish.RelativeDistance ?? double.NaN,
            e.Layers.Select(l => l.BestCorrelationPerTeacher).ToArray(), e.Layers.Select(l => l.FanOutStrength).ToArray());
        var layers = string.Join("; ", e.Layers.Select(l =>
            FormattableString.Invariant($"layer {l.Layer}: best rho per teacher [{Outcome.Join(l.BestCorrelationPerTeacher)}], E_x[beta_kk] per student [{Outcome.Join(l.FanOutStrength)}]")));
        var evidence = lowest.Evidence + FormattableString.Invariant($"; max per-sample gradient over every layer {e.MaxGradientEveryLayer:G3}; every layer (reported, not judged): {layers}");
        return new ClaimOutcome<DeepSpecializationNumbers>(lowest.Claim, aboveLevel is null ? lowest.Verdict : Verdict.Inconclusive, evidence, numbers)
        {
            ConclusionObserved = lowest.ConclusionObserved,
            Reason = aboveLevel ?? lowest.Reason,
        };
    }

    /// <summary>Measures and judges a trained pair on <paramref name="inputs"/> (N, d), usually the training inputs.</summary>
    public static ClaimOutcome<SpecializationNumbers> Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult training, SpecializationCriteria? criteria = null) =>
        Judge(PairEvidence.Measure(teacher, student, inputs, training), criteria);

    /// <summary>For each teacher j: is some student k above both thresholds, or (when mirrors are allowed) a verified mirror of j (<see cref="MirrorCheck"/>)?</summary>
    public static bool[] MatchedTeachers(PairEvidence e, SpecializationCriteria criteria)
    {
        var report = e.Report;
        var result = new bool[report.Teachers];
        for (var j = 0; j < report.Teachers; j++)
        {
            for (var k = 0; k < report.Students; k++)
                if (report.Correlation[j, k] > criteria.Correlation && report.Cosine[j, k] > criteria.Cosine) result[j] = true;
            if (criteria.AllowMirror && MirrorCheck.VerifiedMirrors(e, j, criteria.Correlation).Length > 0) result[j] = true;
        }
        return result;
    }
}
