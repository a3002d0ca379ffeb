using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>The numbers of claim 2 on one trained pair.</summary>
/// <param name="Teachers">Teacher nodes.</param>
/// <param name="TeachersMeetingHypothesis">Teachers observed inside some E_k with alpha_kj != 0 and a measured jump.</param>
/// <param name="MaxSampleGradient">max_x ||g_1(x)|| at the end of training.</param>
/// <param name="Judged">Teachers judged: every one meeting the hypothesis (all, when it is not enforced).</param>
/// <param name="Aligned">Judged teachers with an aligned student (cos &gt; tau) or, when mirrors are allowed, a verified mirror.</param>
/// <param name="MeasuredJumps">(teacher, student) pairs whose slope jump was measured (observed inside E_k, alpha != 0).</param>
/// <param name="MaxJumpRatio">Over the judged teachers' measured pairs, the largest jump of the whole residual across dE*_j inside E_k against the
/// teacher's own, ||Delta(d(f* - f)/dx)||_F / ||(1 - c) v*_j w*_j^T||_F (<see cref="Analysis.JumpReport.OutputRatio"/>; J_kj = v_k^T Delta): 0 when every jump is cancelled; NaN with none.</param>
/// <param name="UncancellablePairs">Measured pairs of teachers with no student co-linear to them (|cos| &gt;= 0.95): there the paper says the jump is exactly (1 - c) alpha_kj w*_j.</param>
/// <param name="StatementError">Over those pairs, the largest of |ratio - 1| and 1 - cos(J, P): 0 when the measured jump is the paper's; NaN with none.</param>
public sealed record CoreArgumentNumbers(int Teachers, int TeachersMeetingHypothesis, int Judged, int Aligned, int MeasuredJumps, double MaxJumpRatio,
    int UncancellablePairs, double StatementError, double MaxSampleGradient) : ClaimNumbers;

/// <summary>Thresholds of claim 2.</summary>
/// <param name="AlignedCosine">cos(w*_j, w_k) above this counts as aligned.</param>
/// <param name="MinObservations">obs[j, k] must reach this count (1: at least one point on each side).</param>
/// <param name="MinAlpha">|alpha_kj| must exceed this to count as non-zero (absolute; fan-outs are O(1)).</param>
/// <param name="EnforceHypothesis">False judges every teacher, hypothesis or not (the negative control).</param>
/// <param name="AllowMirror">A verified mirror (<see cref="MirrorCheck"/>, the rule of claims 1 and 4) counts as aligned: its kink lies on the
/// teacher's boundary. Found by a fresh case (run seed 7): a ReLU student reached the gradient target matching a teacher only by its mirror.</param>
/// <param name="MaxJumpRatio">The measured slope jump of a judged pair must be at most this fraction of (1 - c) alpha_kj w*_j: at zero
/// gradient the argument needs it cancelled. 0.1: see <see cref="CoreArgumentCriteria.CancelledJump"/>.</param>
public sealed record CoreArgumentCriteria(double AlignedCosine = Rules.AlignedCosine, int MinObservations = 1, double MinAlpha = Rules.MinAlpha, bool EnforceHypothesis = true,
    bool AllowMirror = true, double MaxJumpRatio = CoreArgumentCriteria.CancelledJump)
{
    /// <summary>
    /// A jump counts as cancelled below 10% of the teacher's own: at the small problems' gradient target
    /// (3e-3) the cancelling student kinks match the teacher's to about 1e-3 relative (measured
    /// ratios on the fresh cases: docs/theorems/02), while a jump with no cancelling kink is exactly 1.
    /// </summary>
    public const double CancelledJump = Rules.CancelledJump;

    /// <summary>The paper's reading: an aligned student node (cos above tau), no credit for mirrors.</summary>
    public static CoreArgumentCriteria Paper { get; } = new(AllowMirror: false);

    /// <summary>The hyperplane reading: an aligned student node or a verified mirror.</summary>
    public static CoreArgumentCriteria Hyperplane { get; } = new(AllowMirror: true);

    public static CoreArgumentCriteria For(Reading reading) => reading == Reading.Paper ? Paper : Hyperplane;
}

/// <summary>
/// Claim 2 (the two-layer core argument), measured. Inside E_k the residual r_k = g_k / sigma'_k is
/// piecewise linear and crossing the teacher boundary dE*_j changes its slope by (1 - c) alpha_kj w*_j
/// unless a student node has its kink there (aligned, or mirrored). At zero per-sample gradient on
/// data that observes dE*_j inside E_k, the residual vanishes on both sides, so the jump must be
/// cancelled, which forces a student aligned with teacher j. The judge reads the measured slope jumps
/// (<see cref="Analysis.BoundaryJumps"/>): hypothesis for teacher j: some k with obs[j, k] &gt;= 1, |alpha_kj| &gt; MinAlpha
/// and a measured jump; conclusion: every judged teacher has an aligned student (cos &gt; tau, or a
/// verified mirror) and every measured jump of a judged teacher is cancelled (ratio &lt;= MaxJumpRatio).
/// Separately the numbers carry the statement itself: where no student is co-linear with teacher j
/// the measured jump must equal (1 - c) alpha_kj w*_j (<see cref="CoreArgumentNumbers.StatementError"/>).
/// A case where no teacher meets the hypothesis, or whose run did not reach the gradient target, is inconclusive.
/// </summary>
public static class CoreArgumentClaim
{
    public static ClaimInfo Info { get; } = new("core-argument",
        "At a small per-sample gradient, the slope jump (1 - c) alpha_kj w*_j of a student's residual across an observed teacher boundary is cancelled by a student node aligned with the teacher",
        "notes section 3, claim 2 (the two-layer argument behind claim 1)");


    public static ClaimOutcome<CoreArgumentNumbers> Judge(PairEvidence e, CoreArgumentCriteria? criteria = null)
    {
        criteria ??= CoreArgumentCriteria.Hyperplane;
        if (criteria.MinObservations < 1) throw new ArgumentOutOfRangeException(nameof(criteria), criteria.MinObservations, "Observations must be >= 1.");
        var report = e.Report;
        if (e.Alpha.GetLength(1) != report.Teachers || e.Jumps is not { } jumps)
            throw new ArgumentException($"The core argument is a two-layer statement; {e.Case} has no two-layer alpha or slope jumps.", nameof(e));
        bool Measured(int j, int k) => report.Observation[j, k] >= criteria.MinObservations && Math.Abs(e.Alpha[k, j]) > criteria.MinAlpha && jumps.Points[j, k] > 0;
        var students = Enumerable.Range(0, report.Students).ToArray();
        var hypothesis = Enumerable.Range(0, report.Teachers).Select(j => students.Any(k => Measured(j, k))).ToArray();
        var judged = Enumerable.Range(0, report.Teachers).Where(j => !criteria.EnforceHypothesis || hypothesis[j]).ToArray();
        var bestCos = report.BestCosinePerTeacher;
        bool Aligned(int j, bool mirrors) => bestCos[j] > criteria.AlignedCosine || (mirrors && MirrorCheck.VerifiedMirrors(e, j, Rules.Tau).Length > 0);
        var ratios = judged.SelectMany(j => students.Where(k => Measured(j, k)).Select(k => jumps.OutputRatio[j, k])).ToArray();
        var maxRatio = ratios.DefaultIfEmpty(double.NaN).Max();
        var cancelled = ratios.All(r => r <= criteria.MaxJumpRatio);
        var statement = Enumerable.Range(0, report.Teachers).Where(j => jumps.ColinearStudents[j] == 0)
            .SelectMany(j => students.Where(k => Measured(j, k)).Select(k => Math.Max(Math.Abs(jumps.Ratio[j, k] - 1), 1 - jumps.Cosine[j, k]))).ToArray();
        var aligned = judged.Count(j => Aligned(j, criteria.AllowMirror));
        var strictAligned = judged.Count(j => Aligned(j, false));
        var missed = !e.ReachedGradientTarget ? $"precondition not reached: {e.PreconditionMissed}"
            : judged.Length == 0 ? "hypothesis missed by every teacher node (no observed boundary with alpha != 0 and a measured jump)"
            : null;
        var maxAlpha = Enumerable.Range(0, report.Teachers).Select(j => students.Max(k => Math.Abs(e.Alpha[k, j]))).ToArray();
        var evidence = (FormattableString.Invariant($"{e.Case}: {hypothesis.Count(h => h)}/{report.Teachers} teachers meet the hypothesis (observed inside E_k with |alpha| > {criteria.MinAlpha}, jump measured); ") +
            FormattableString.Invariant($"{aligned}/{judged.Length} judged teachers have an aligned student (cos > {criteria.AlignedCosine}{(criteria.AllowMirror ? $", or a verified mirror; strictly {strictAligned}" : "")}); ") +
            FormattableString.Invariant($"{ratios.Length} measured jumps, largest residual jump / (1 - c) ||v*_j w*_j^T|| = {maxRatio:G3} (at most {criteria.MaxJumpRatio}); ") +
            FormattableString.Invariant($"{statement.Length} pairs with no co-linear student, statement error {statement.DefaultIfEmpty(double.NaN).Max():G3}; best cos [{Outcome.Join(bestCos)}], ") +
            FormattableString.Invariant($"max |alpha_kj| per teacher [{Outcome.Join(maxAlpha)}]; {MirrorCheck.Describe(e, Rules.Tau)}; training {e.Training?.ToString() ?? "none"}"));
        return Outcome.Judged(Info, missed, judged.Length > 0 && aligned == judged.Length && cancelled, evidence,
            new CoreArgumentNumbers(report.Teachers, hypothesis.Count(h => h), judged.Length, aligned, ratios.Length, maxRatio,
                statement.Length, statement.DefaultIfEmpty(double.NaN).Max(), e.MaxSampleGradient));
    }

    public static ClaimOutcome<CoreArgumentNumbers> Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult training, CoreArgumentCriteria? criteria = null) =>
        Judge(PairEvidence.Measure(teacher, student, inputs, training), criteria);
}
