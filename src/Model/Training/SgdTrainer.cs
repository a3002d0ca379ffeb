using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>One training run: a student, its training set, its options and its batch seed.</summary>
public sealed record Trial(RectifiedNetwork Student, Dataset Data, SgdOptions Options, long Seed)
{
    public override string ToString() => $"student {Student}, N = {Data.Count}, seed {Seed}, lr {Options.LearningRate}";
}

/// <summary>
/// The suite's trainer: plain SGD (or full-batch gradient descent) with hand-written
/// back-propagation, for one student or for many trained together in one stacked tensor program
/// (<see cref="StepKernel"/>; one trial is the stack of one). It owns the epochs, the learning-rate
/// schedule, the stop rules and the per-trial history:
/// <list type="bullet">
/// <item>each trial draws its batches from its own generator (<see cref="BatchSampler"/>), so a trial
/// sees the same batches alone or in a stack, and ends with the same result and weights to float64
/// round-off;</item>
/// <item>a non-finite batch loss stops the trial at that step (<see cref="TrainingOutcome.Diverged"/>,
/// with the step and the last finite loss);</item>
/// <item>after every epoch (or only the last, see <see cref="SgdOptions.MeasureEveryEpoch"/>) the
/// training loss and max_x ||g_1(x)|| over the whole training set are measured and recorded; the
/// trial stops once the gradient target is reached, or when its epochs run out.</item>
/// </list>
/// A trial that stops leaves the stack; the others go on without it. The students' weights are
/// updated in place (for a stack, written back after every epoch and when a trial stops).
/// </summary>
/// <remarks>
/// Trials trained together may differ in student weights, data, seeds, learning rates and schedules,
/// epochs and gradient targets; they must share the student's widths and activation, the dtype and
/// device, the batch size and the iterations per epoch (full-batch runs also the dataset size).
/// Trials that share one <see cref="Dataset"/> object share its storage.
/// </remarks>
public static class SgdTrainer
{
    /// <summary>Trains <paramref name="student"/> on <paramref name="train"/>; batches drawn with <paramref name="seed"/>.</summary>
    public static TrainingResult Train(RectifiedNetwork student, Dataset train, SgdOptions options, long seed, Action<EpochRecord>? onEpoch = null) =>
        Train([new Trial(student, train, options, seed)], onEpoch is null ? null : (_, record) => onEpoch(record))[0];

    /// <summary>
    /// Trains every trial's student in place, together; results in input order. <paramref name="onEpoch"/>
    /// receives (trial index, record) after each trial's epoch, with the student's weights up to date.
    /// </summary>
    public static TrainingResult[] Train(IReadOnlyList<Trial> trials, Action<int, EpochRecord>? onEpoch = null)
    {
        CheckTogether(trials);
        var count = trials.Count;
        var results = new TrainingResult?[count];
        var histories = Enumerable.Range(0, count).Select(_ => new List<EpochRecord>()).ToArray();
        var steps = new long[count];
        var lastFinite = Enumerable.Repeat(double.NaN, count).ToArray();
        var iters = trials[0].Options.ItersPerEpoch;
        var batchSize = trials[0].Options.BatchSize;

        using var noGrad = no_grad();
        var samplers = trials.Select(t => batchSize is { } b ? new BatchSampler(t.Seed, t.Data.Count, b, t.Data.Inputs.device) : null).ToArray();
        try
        {
            using var kernel = new StepKernel(trials);
            for (var epoch = 0; kernel.Active.Count > 0; epoch++)
            {
                kernel.SetRates(kernel.Active.Select(i => trials[i].Options.RateAt(epoch)).ToArray());
                for (var it = 0; it < iters && kernel.Active.Count > 0; it++)
                {
                    if (batchSize is not null && it % BatchSampler.ChunkSteps == 0)
                    {
                        var length = BatchSampler.ChunkLength(it, iters);
                        kernel.Load(kernel.Active.Select(i => samplers[i]!.Next(length)).ToArray());
                    }
                    var losses = kernel.Step();
                    List<int>? stopped = null;
                    for (var p = 0; p < losses.Length; p++)
                    {
                        var i = kernel.Active[p];
                        steps[i]++;
                        if (double.IsFinite(losses[p])) { lastFinite[i] = losses[p]; continue; }
                        results[i] = Finish(TrainingOutcome.Diverged, steps[i], epoch, losses[p], double.NaN, histories[i], lastFinite[i], steps[i]);
                        (stopped ??= []).Add(i);
                    }
                    if (stopped is not null) kernel.Retire(stopped);
                }
                if (kernel.Active.Count == 0) break;

                kernel.WriteBack(kernel.Active);
                List<int>? finished = null;
                foreach (var i in kernel.Active)
                {
                    var options = trials[i].Options;
                    var last = epoch + 1 == options.Epochs;
                    if (!options.MeasureEveryEpoch && !last)
                    {
                        onEpoch?.Invoke(i, new EpochRecord(epoch + 1, steps[i], options.RateAt(epoch), double.NaN, double.NaN, Measured: false));
                        continue;
                    }
                    var (trainLoss, maxGrad) = kernel.Measure(i);
                    var record = new EpochRecord(epoch + 1, steps[i], options.RateAt(epoch), trainLoss, maxGrad);
                    histories[i].Add(record);
                    onEpoch?.Invoke(i, record);
                    if (!double.IsFinite(trainLoss) || !double.IsFinite(maxGrad))
                        results[i] = Finish(TrainingOutcome.Diverged, steps[i], epoch + 1, trainLoss, maxGrad, histories[i], lastFinite[i], steps[i]);
                    else if (options.GradientTarget is { } target && maxGrad <= target)
                        results[i] = Finish(TrainingOutcome.ReachedGradientTarget, steps[i], epoch + 1, trainLoss, maxGrad, histories[i]);
                    else if (last)
                        results[i] = Finish(TrainingOutcome.BudgetExhausted, steps[i], epoch + 1, trainLoss, maxGrad, histories[i]);
                    else continue;
                    (finished ??= []).Add(i);
                }
                if (finished is not null) kernel.Retire(finished, writeBack: false);
            }
        }
        finally
        {
            foreach (var s in samplers) s?.Dispose();
        }
        return results.Select(r => r!).ToArray();
    }

    /// <summary>Throws, naming the mismatch, when the options, dataset and student do not fit together.</summary>
    internal static void Check(RectifiedNetwork student, Dataset train, SgdOptions options)
    {
        options.Validate(train.Count);
        if (train.InputDim != student.InputDim)
            throw new ArgumentException($"The dataset has input dimension {train.InputDim}; the student expects {student.InputDim}.", nameof(train));
        if (train.Targets.shape[1] != student.OutputDim)
            throw new ArgumentException($"The dataset has {train.Targets.shape[1]} outputs; the student has {student.OutputDim}.", nameof(train));
        if (train.Inputs.dtype != student.DType || train.Inputs.device.ToString() != student.Device.ToString())
            throw new ArgumentException($"The dataset is {train.Inputs.dtype} on {train.Inputs.device}; the student is {student.DType} on {student.Device}. Build both with the same dtype and device.", nameof(train));
    }

    /// <summary>Throws, naming the trial and the mismatch, when the trials cannot be trained together.</summary>
    static void CheckTogether(IReadOnlyList<Trial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (trials.Count == 0) throw new ArgumentException("Training needs at least one trial.", nameof(trials));
        var first = trials[0];
        var students = new HashSet<RectifiedNetwork>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < trials.Count; i++)
        {
            var t = trials[i] ?? throw new ArgumentException($"Trial {i} is null.", nameof(trials));
            if (trials.Count == 1)
            {
                Check(t.Student, t.Data, t.Options);
                return;
            }
            try { Check(t.Student, t.Data, t.Options); }
            catch (ArgumentException e) { throw new ArgumentException($"Trial {i} ({t}): {e.Message}", nameof(trials), e); }
            if (!students.Add(t.Student))
                throw new ArgumentException($"Trial {i} trains the same student object as an earlier trial; give each trial its own student.", nameof(trials));
            string? mismatch =
                !t.Student.Widths.SequenceEqual(first.Student.Widths) ? $"student widths [{string.Join("-", t.Student.Widths)}] differ from trial 0's [{string.Join("-", first.Student.Widths)}]"
                : t.Student.Activation != first.Student.Activation ? $"activation {t.Student.Activation} differs from trial 0's {first.Student.Activation}"
                : t.Student.DType != first.Student.DType || t.Student.Device.ToString() != first.Student.Device.ToString() ? "dtype or device differs from trial 0's"
                : t.Options.BatchSize != first.Options.BatchSize ? $"batch size {t.Options.BatchSize?.ToString() ?? "full"} differs from trial 0's {first.Options.BatchSize?.ToString() ?? "full"}"
                : t.Options.ItersPerEpoch != first.Options.ItersPerEpoch ? $"iterations per epoch {t.Options.ItersPerEpoch} differ from trial 0's {first.Options.ItersPerEpoch}"
                : t.Options.BatchSize is null && t.Data.Count != first.Data.Count ? $"full-batch dataset size {t.Data.Count} differs from trial 0's {first.Data.Count}"
                : null;
            if (mismatch is not null)
                throw new ArgumentException($"Trial {i} cannot be trained together with trial 0: {mismatch}. Trials trained together must have the same shapes.", nameof(trials));
        }
    }

    internal static TrainingResult Finish(TrainingOutcome outcome, long steps, int epochs, double loss, double maxGrad, List<EpochRecord> history, double? lastFinite = null, long? divergedAt = null) =>
        new(outcome, steps, epochs, loss, maxGrad, history.ToArray(), outcome == TrainingOutcome.Diverged ? lastFinite : null, divergedAt);

    /// <summary>Training loss 1/2 E||f* - f||^2 and max_x ||g_1(x)|| over the whole dataset.</summary>
    /// <remarks>Runs on all cores when the dataset is large and the caller is not one of <see cref="TrialRunner"/>'s workers.</remarks>
    public static (double Loss, double MaxSampleGradient) Measure(RectifiedNetwork student, Dataset data) =>
        IntraOpThreads.Run(MeasureFlops(student, data.Count), () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = RectifiedNetwork.Augment(data.Inputs);
            return StepKernel.Summarize(StepKernel.Signals(student.Activation, student.Weights, x, data.Targets));
        });

    /// <summary>Multiply-adds x 2 of one forward and one backward pass over <paramref name="samples"/> samples.</summary>
    internal static double MeasureFlops(RectifiedNetwork net, int samples)
    {
        double perSample = 0;
        for (var l = 0; l + 1 < net.Widths.Count; l++)
            perSample += 2.0 * (net.Widths[l] + 1) * net.Widths[l + 1] * (l == 0 ? 1 : 2);
        return perSample * samples;
    }
}

/// <summary>The back-propagated signals g_l(x) = -dLoss_x/da_l of every layer, for every sample.</summary>
public static class Backprop
{
    /// <summary>
    /// x: (N, d), y: (N, outputs) -> [g_1 (N, n_1), ..., g_{L-1} (N, n_{L-1}), r (N, outputs)],
    /// where r = y - f(x) is the output residual (the output layer's signal). Computed by the
    /// training step's own forward and backward pass (<see cref="StepKernel.Signals"/>).
    /// </summary>
    public static Tensor[] Signals(RectifiedNetwork net, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var signals = StepKernel.Signals(net.Activation, net.Weights, RectifiedNetwork.Augment(x), y);
        foreach (var s in signals) s.MoveToOuterDisposeScope();
        return signals;
    }
}
