using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>
/// Claim 1 (lowest-layer specialization): when the per-sample gradient is small at every training
/// sample, every lowest-layer teacher node j is matched by a student node k with rho_jk &gt; tau and
/// cos(w*_j, w_k) &gt; tau (both for the same k). Precondition: the run reached its gradient target;
/// otherwise the verdict is inconclusive.
/// </summary>
public static class LowestLayerSpecializationClaim
{
    public const string Name = "lowest-layer specialization";

    /// <summary>Judges a trained pair on <paramref name="inputs"/> (N, d), usually the training inputs.</summary>
    public static ClaimOutcome Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult training, SpecializationCriteria? criteria = null)
    {
        criteria ??= SpecializationCriteria.Paper;
        criteria.Validate();
        var report = Specialization.Analyze(teacher, student, inputs, layer: 1);
        var matched = MatchedTeachers(report, criteria);
        var covered = matched.Count(c => c);
        var mirrored = criteria.AllowMirror ? covered - MatchedTeachers(report, criteria with { AllowMirror = false }).Count(c => c) : 0;
        var conclusion = covered == report.Teachers;
        var reached = training.Outcome == TrainingOutcome.ReachedGradientTarget;
        var verdict = !reached ? Verdict.Inconclusive : conclusion ? Verdict.Holds : Verdict.Fails;
        var bestRho = report.BestCorrelationPerTeacher;
        var bestCos = report.BestCosinePerTeacher;
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"teacher {teacher}, student {student}: {covered}/{report.Teachers} teachers matched (rho > {criteria.Correlation}, cos > {criteria.Cosine}{(criteria.AllowMirror ? $", mirror allowed: {mirrored} matched only by a mirrored node" : "")}); " +
            $"best rho per teacher [{Join(bestRho)}], best cos [{Join(bestCos)}]; training {training}");
        return new ClaimOutcome(Name, verdict, evidence, new Dictionary<string, double>
        {
            ["teachers"] = report.Teachers,
            ["matched"] = covered,
            ["matched only by a mirror"] = mirrored,
            ["min best correlation"] = bestRho.Min(),
            ["min best cosine"] = bestCos.Min(),
            ["max sample gradient"] = training.MaxSampleGradient,
            ["steps"] = training.Steps,
        })
        { ConclusionObserved = conclusion };
    }

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

    internal static string Join(IEnumerable<double> values) =>
        string.Join(", ", values.Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)));
}
