using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Evidence;

/// <summary>
/// The analysis record of a trained teacher-student pair, in plain numbers: everything the
/// claims about one trained pair (1, 2, 4, the leaky observation) judge, measured once from the
/// tensors. A conjecture's conclusion is a function of this record.
/// </summary>
/// <param name="Case">The case in words (configuration and seeds): its replay.</param>
/// <param name="Report">Lowest-layer correlation, cosine, observation and fan-out norms on the judged inputs.</param>
/// <param name="Alpha">alpha_kj = v_k^T v*_j, [n, m] (fan-out rows without the bias row).</param>
/// <param name="AffineStudents">Student nodes whose pre-activation has one sign on every input (no kink in the data).</param>
/// <param name="Compensation">Two layers: mirrors, the combined map of mirrors' linear terms and affine-on-data nodes, co-linear groups and their measured output; null for deeper pairs.</param>
/// <param name="Jumps">Two layers: the measured slope jump of each student's residual across each teacher boundary (claim 2); null for deeper pairs.</param>
/// <param name="StudentLeaky">The student's activation is leaky ReLU (0 &lt; c &lt; 1).</param>
/// <param name="DataStraddles">Per teacher node: the inputs lie on both sides of its boundary.</param>
/// <param name="Samples">N, the number of judged inputs.</param>
/// <param name="Training">The run that produced the student; null for an untrained student.</param>
public sealed record PairEvidence(
    string Case,
    SpecializationReport Report,
    double[,] Alpha,
    bool[] AffineStudents,
    CompensationReport? Compensation,
    JumpReport? Jumps,
    bool StudentLeaky,
    bool[] DataStraddles,
    int Samples,
    TrainingResult? Training)
{
    /// <summary>How the student was finished after training, where it was; null otherwise.</summary>
    public FinishRecord? Finish { get; init; }

    /// <summary>
    /// The largest relative distance a finish may move the student and still reach the precondition:
    /// <see cref="Rules.MaxFinishDistance"/> for two-layer cases, <see cref="Rules.DeepMaxFinishDistance"/> for deep ones.
    /// </summary>
    public double MaxFinishDistance { get; init; } = Rules.MaxFinishDistance;

    /// <summary>A finish that moved the student more than <see cref="MaxFinishDistance"/> of its weights read another point than training led to.</summary>
    public bool FinishedTooFar => Finish is { } f && !(f.Finish.RelativeDistance <= MaxFinishDistance);

    /// <summary>
    /// The theorem's precondition: the run stopped because max_x ||g_1(x)|| reached its target, and a finish, if any,
    /// stayed next to where training led (<see cref="FinishedTooFar"/>).
    /// </summary>
    public bool ReachedGradientTarget => Training?.Outcome == TrainingOutcome.ReachedGradientTarget && !FinishedTooFar;

    /// <summary>The training in words, with the finish when it went too far: what a missed precondition names.</summary>
    public string TrainingText => (Training?.ToString() ?? "untrained") + (FinishedTooFar
        ? FormattableString.Invariant($"; the finisher moved the student {Finish!.Finish.RelativeDistance:P1} of its weights, more than the {MaxFinishDistance:P0} a finish may move")
        : "");

    /// <summary>
    /// Why the precondition was missed, in words that are the same for every case that missed it the same way (a case's
    /// own steps and losses are in <see cref="TrainingText"/> and the evidence); null when it was reached.
    /// </summary>
    public string? PreconditionMissed => ReachedGradientTarget ? null
        : Training is null ? "untrained"
        : Training.Diverged ? "training diverged"
        : FinishedTooFar ? FormattableString.Invariant($"the finisher moved the student more than {MaxFinishDistance:P0} of its weights")
        : "the training budget ran out above the gradient target";

    public double MaxSampleGradient => Training?.MaxSampleGradient ?? double.NaN;

    /// <summary>Measures a pair on <paramref name="inputs"/> (N, d), usually the training inputs; <paramref name="measureJumps"/> false skips claim 2's slope jumps (the sweeps, which do not judge claim 2).</summary>
    public static PairEvidence Measure(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult? training,
        string? description = null, bool measureJumps = true)
    {
        using var scope = NewDisposeScope();
        var report = Specialization.Analyze(teacher, student, inputs, layer: 1);
        var twoLayer = teacher.HiddenLayers == 1 && student.HiddenLayers == 1;
        return new PairEvidence(
            description ?? FormattableString.Invariant($"teacher {teacher}, student {student}, N {inputs.shape[0]}"),
            report,
            teacher.HiddenLayers == 1 ? AlphaOf(teacher, student) : new double[student.HiddenWidths[0], 0],
            OneSigned(student, inputs),
            twoLayer ? Analysis.Compensation.Measure(teacher, student, inputs) : null,
            twoLayer && measureJumps ? BoundaryJumps.Measure(teacher, student, inputs) : null,
            student.Activation.NegativeSlope is > 0 and < 1,
            OneSigned(teacher, inputs).Select(s => !s).ToArray(),
            (int)inputs.shape[0],
            training);
    }

    /// <summary>
    /// Measures a pair on its own evidence: the student's loss and max per-sample gradient are measured on
    /// <paramref name="data"/> and read against <paramref name="gradientTarget"/> (<see cref="TrainingResult.Remeasured"/>).
    /// What a control that perturbs a trained student is judged on.
    /// </summary>
    public static PairEvidence MeasureAtOwnGradient(RectifiedNetwork teacher, RectifiedNetwork student, Data.Dataset data, double gradientTarget, string description)
    {
        var (loss, gradient) = SgdTrainer.Measure(student, data);
        return Measure(teacher, student, data.Inputs, TrainingResult.Remeasured(loss, gradient, gradientTarget), description);
    }

    /// <summary>alpha_kj = v_k^T v*_j: [n, m], from the fan-out rows of the lowest layer (bias rows left out).</summary>
    public static double[,] AlphaOf(RectifiedNetwork teacher, RectifiedNetwork student)
    {
        using var scope = NewDisposeScope();
        var v = LowestLayerSignal.FanOut(student.Weights[1]).to(ScalarType.Float64);
        var vStar = LowestLayerSignal.FanOut(teacher.Weights[1]).to(ScalarType.Float64);
        return RectifiedNetwork.ToArray(v.mm(vStar.t()));
    }

    /// <summary>Lowest-layer nodes whose pre-activation has one sign on every input (dead ReLUs included).</summary>
    static bool[] OneSigned(RectifiedNetwork network, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = network.Trace(inputs);
        var positive = trace.PreActivations[0].Above(0).to(ScalarType.Float64).sum([0L]).to(CPU).data<double>().ToArray();
        return positive.Select(p => p == 0 || p == inputs.shape[0]).ToArray();
    }
}
