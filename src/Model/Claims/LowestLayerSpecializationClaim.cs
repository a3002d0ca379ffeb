using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>The numbers of claim 1 on one trained pair.</summary>
public sealed record SpecializationNumbers(int Teachers, int Matched, int MatchedOnlyByMirror, double MinBestCorrelation, double MinBestCosine,
    double MaxSampleGradient, long Steps) : ClaimNumbers;

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
        "Once the gradient is small at every training sample, every lowest-layer teacher node is matched by a student node (rho > 0.95 and cos > 0.95, mirror w_k = -c w*_j allowed)",
        "abstract; notes section 3, claim 1");

    public static ClaimInfo Relu { get; } = Info with { Id = Info.Id + ".relu", Statement = Info.Statement + "; two layers, ReLU" };
    public static ClaimInfo Leaky { get; } = Info with { Id = Info.Id + ".leaky", Statement = Info.Statement + "; two layers, leaky ReLU 0.1" };
    public static ClaimInfo ThreeLayer { get; } = Info with { Id = Info.Id + ".three-layer", Statement = Info.Statement + "; three layers (a sample, reported as a pass rate)" };

    /// <summary>Judges one trained pair.</summary>
    public static ClaimOutcome<SpecializationNumbers> Judge(PairEvidence e, SpecializationCriteria? criteria = null)
    {
        criteria ??= SpecializationCriteria.Paper;
        criteria.Validate();
        var report = e.Report;
        var covered = MatchedTeachers(report, criteria).Count(c => c);
        var mirrored = criteria.AllowMirror ? covered - MatchedTeachers(report, criteria with { AllowMirror = false }).Count(c => c) : 0;
        var conclusion = covered == report.Teachers;
        var missed = !e.ReachedGradientTarget ? $"precondition not reached: {e.Training?.ToString() ?? "untrained"}"
            : !e.DataStraddles.All(s => s) ? "hypothesis missed: the data does not cross every teacher boundary"
            : null;
        var bestRho = report.BestCorrelationPerTeacher;
        var bestCos = report.BestCosinePerTeacher;
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"{e.Case}: {covered}/{report.Teachers} teachers matched (rho > {criteria.Correlation}, cos > {criteria.Cosine}{(criteria.AllowMirror ? $", mirror allowed: {mirrored} matched only by a mirrored node" : "")}); " +
            $"best rho per teacher [{Outcome.Join(bestRho)}], best cos [{Outcome.Join(bestCos)}]; training {e.Training?.ToString() ?? "none"}");
        return Outcome.Judged(Info, missed, conclusion, evidence,
            new SpecializationNumbers(report.Teachers, covered, mirrored, bestRho.Min(), bestCos.Min(), e.MaxSampleGradient, e.Training?.Steps ?? 0));
    }

    /// <summary>Measures and judges a trained pair on <paramref name="inputs"/> (N, d), usually the training inputs.</summary>
    public static ClaimOutcome<SpecializationNumbers> Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult training, SpecializationCriteria? criteria = null) =>
        Judge(PairEvidence.Measure(teacher, student, inputs, training), criteria);

    /// <summary>For each teacher j: is some student k above both thresholds (or, when mirrors are allowed, at cosine below minus the threshold)?</summary>
    public static bool[] MatchedTeachers(SpecializationReport report, SpecializationCriteria criteria)
    {
        var result = new bool[report.Teachers];
        for (var j = 0; j < report.Teachers; j++)
            for (var k = 0; k < report.Students; k++)
            {
                double rho = report.Correlation[j, k], cos = report.Cosine[j, k];
                if (rho > criteria.Correlation && cos > criteria.Cosine) result[j] = true;
                if (criteria.AllowMirror && cos < -criteria.Cosine) result[j] = true;
            }
        return result;
    }
}
