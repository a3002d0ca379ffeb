using System.Globalization;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>The numbers of claim 2 on one trained pair.</summary>
public sealed record CoreArgumentNumbers(int Teachers, int TeachersMeetingHypothesis, int Judged, int Aligned, double MaxSampleGradient) : ClaimNumbers;

/// <summary>Thresholds of claim 2.</summary>
/// <param name="AlignedCosine">cos(w*_j, w_k) above this counts as aligned.</param>
/// <param name="MinObservations">obs[j, k] must reach this count (1: at least one point on each side).</param>
/// <param name="MinAlpha">|alpha_kj| must exceed this to count as non-zero (absolute; fan-outs are O(1)).</param>
/// <param name="EnforceHypothesis">False judges every teacher, hypothesis or not (the negative control).</param>
/// <param name="AllowMirror">A student at cos &lt; -threshold (w_k = -c w*_j) is co-linear with the teacher too: it has the same
/// boundary, hence the same kink. Found by a fresh case (run seed 7): a ReLU student reached the gradient target matching a
/// teacher only by its mirror, as claim 1's pinned regression does.</param>
public sealed record CoreArgumentCriteria(double AlignedCosine = 0.95, int MinObservations = 1, double MinAlpha = 1e-6, bool EnforceHypothesis = true, bool AllowMirror = true)
{
    public static CoreArgumentCriteria Paper { get; } = new();
}

/// <summary>
/// Claim 2 (the two-layer core argument): at zero per-sample gradient, a teacher node j whose
/// boundary is observed by a student node k (obs[j, k] &gt; 0: data on both sides of dE*_j inside E_k)
/// with alpha_kj = v_k^T v*_j != 0 has an aligned student: some k' with cos(w*_j, w_k') &gt; tau.
/// Teachers that do not meet the hypothesis are left out of the verdict (and counted); with
/// <see cref="CoreArgumentCriteria.EnforceHypothesis"/> false every teacher is judged, which is how
/// the negative control shows that the conclusion needs the hypothesis. A case where no teacher
/// meets it, or whose run did not reach the gradient target, is inconclusive.
/// </summary>
public static class CoreArgumentClaim
{
    public static ClaimInfo Info { get; } = new("core-argument",
        "At zero per-sample gradient, a teacher node whose boundary is observed inside a student's active region with alpha_kj != 0 has an aligned student node (cos > 0.95)",
        "notes section 3, claim 2 (the two-layer argument behind claim 1)");

    public static ClaimInfo Relu { get; } = Info with { Id = Info.Id + ".relu", Statement = Info.Statement + "; ReLU" };
    public static ClaimInfo Leaky { get; } = Info with { Id = Info.Id + ".leaky", Statement = Info.Statement + "; leaky ReLU 0.1" };

    public static ClaimOutcome<CoreArgumentNumbers> Judge(PairEvidence e, CoreArgumentCriteria? criteria = null)
    {
        criteria ??= CoreArgumentCriteria.Paper;
        if (criteria.MinObservations < 1) throw new ArgumentOutOfRangeException(nameof(criteria), criteria.MinObservations, "Observations must be >= 1.");
        var report = e.Report;
        if (e.Alpha.GetLength(1) != report.Teachers)
            throw new ArgumentException($"The core argument is a two-layer statement; {e.Case} has no two-layer alpha.", nameof(e));
        var hypothesis = new bool[report.Teachers];
        for (var j = 0; j < report.Teachers; j++)
            for (var k = 0; k < report.Students; k++)
                if (report.Observation[j, k] >= criteria.MinObservations && Math.Abs(e.Alpha[k, j]) > criteria.MinAlpha) hypothesis[j] = true;
        var bestCos = report.BestCosinePerTeacher;
        var judged = Enumerable.Range(0, report.Teachers).Where(j => !criteria.EnforceHypothesis || hypothesis[j]).ToArray();
        var worstCos = Enumerable.Range(0, report.Teachers).Select(j => Enumerable.Range(0, report.Students).Min(k => report.Cosine[j, k])).ToArray();
        var aligned = judged.Count(j => bestCos[j] > criteria.AlignedCosine || (criteria.AllowMirror && worstCos[j] < -criteria.AlignedCosine));
        var conclusion = judged.Length > 0 && aligned == judged.Length;
        var missed = !e.ReachedGradientTarget ? $"precondition not reached: {e.Training?.ToString() ?? "untrained"}"
            : judged.Length == 0 ? "hypothesis missed by every teacher node (no observed boundary with alpha != 0)"
            : null;
        var maxAlpha = Enumerable.Range(0, report.Teachers).Select(j => Enumerable.Range(0, report.Students).Max(k => Math.Abs(e.Alpha[k, j]))).ToArray();
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"{e.Case}: {hypothesis.Count(h => h)}/{report.Teachers} teachers meet the hypothesis (observed with |alpha| > {criteria.MinAlpha}); " +
            $"{aligned}/{judged.Length} judged teachers have an aligned student (cos > {criteria.AlignedCosine}); best cos [{Outcome.Join(bestCos)}], " +
            $"max |alpha_kj| per teacher [{Outcome.Join(maxAlpha)}]; training {e.Training?.ToString() ?? "none"}");
        return Outcome.Judged(Info, missed, conclusion, evidence,
            new CoreArgumentNumbers(report.Teachers, hypothesis.Count(h => h), judged.Length, aligned, e.MaxSampleGradient));
    }

    public static ClaimOutcome<CoreArgumentNumbers> Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult training, CoreArgumentCriteria? criteria = null) =>
        Judge(PairEvidence.Measure(teacher, student, inputs, training), criteria);
}
