using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Training;

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
/// with the step and the last finite loss); the losses are read every step on the CPU and once per
/// epoch on a device (<see cref="LossReads"/>);</item>
/// <item>after every epoch (or only the last, see <see cref="SgdOptions.MeasureEveryEpoch"/>) the
/// training loss and max_x ||g_1(x)|| over the whole training set are measured and recorded; the
/// trial stops once the gradient target is reached, or when its epochs run out.</item>
/// </list>
/// A trial that stops leaves the stack; the others go on without it. The students' weights are
/// updated in place (for a stack, written back after every epoch and when a trial stops).
/// </summary>
/// <remarks>
/// Trials stacked together may differ in student weights, data, seeds, learning rates and schedules,
/// epochs and gradient targets; those that differ in shape (the student's widths or activation, the
/// dtype or device, the batch size or iterations per epoch, for full-batch runs the dataset size)
/// are grouped by shape and each group is stacked on its own, one group after another. Trials that
/// share one <see cref="Dataset"/> object share its storage. Trials that read the same inputs in the
/// same order (equal inputs and batch seeds: the runs of one seed of a sweep) are stacked together
/// whatever their widths, and their first layers train as one wide product
/// (<see cref="StepKernel"/>, shared inputs); each still ends as it does alone, to round-off.
/// </remarks>
public static class SgdTrainer
{
    /// <summary>Trains <paramref name="student"/> on <paramref name="train"/>; batches drawn with <paramref name="seed"/>.</summary>
    public static TrainingResult Train(RectifiedNetwork student, Dataset train, SgdOptions options, long seed, Action<EpochRecord>? onEpoch = null) =>
        Train([new Trial(student, train, options, seed)], onEpoch is null ? null : (_, record) => onEpoch(record))[0];

    /// <summary>
    /// Trains every trial's student in place, together; results in input order. <paramref name="onEpoch"/>
    /// receives (trial index, record) after each trial's epoch, with the student's weights up to date.
    /// <paramref name="afterEpoch"/> then receives, once per epoch of each stack, the indices of the
    /// trials that have just ended that epoch (those that received <paramref name="onEpoch"/>), so a
    /// caller can measure them together (one wide evaluation instead of one per trial).
    /// </summary>
    public static TrainingResult[] Train(IReadOnlyList<Trial> trials, Action<int, EpochRecord>? onEpoch = null, Action<IReadOnlyList<int>>? afterEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (trials.Count == 0) throw new ArgumentException("Training needs at least one trial.", nameof(trials));
        var students = new HashSet<RectifiedNetwork>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < trials.Count; i++)
        {
            var t = trials[i] ?? throw new ArgumentException($"Trial {i} is null.", nameof(trials));
            try { Check(t.Student, t.Data, t.Options); }
            catch (ArgumentException e) when (trials.Count > 1) { throw new ArgumentException($"Trial {i} ({t}): {e.Message}", nameof(trials), e); }
            if (!students.Add(t.Student))
                throw new ArgumentException($"Trial {i} trains the same student object as an earlier trial; give each trial its own student.", nameof(trials));
        }
        List<(int[] Members, bool SharedInputs)> groups;
        using (Phases.Time("trainer/groups"))
            groups = TrialStacks.Of(trials);
        if (groups.Count == 1) return TrainTogether(trials, groups[0].SharedInputs, onEpoch, afterEpoch);
        var results = new TrainingResult[trials.Count];
        foreach (var (group, shared) in groups)
        {
            var together = TrainTogether(group.Select(i => trials[i]).ToArray(), shared,
                onEpoch is null ? null : (k, record) => onEpoch(group[k], record),
                afterEpoch is null ? null : ended => afterEpoch(ended.Select(k => group[k]).ToArray()));
            for (var k = 0; k < group.Length; k++) results[group[k]] = together[k];
        }
        return results;
    }

    /// <summary>Trains trials of one <see cref="TrialStacks.ShapeKey"/> in one stack, or trials with shared inputs (<see cref="TrialStacks"/>) in one wide kernel.</summary>
    static TrainingResult[] TrainTogether(IReadOnlyList<Trial> trials, bool sharedInputs, Action<int, EpochRecord>? onEpoch, Action<IReadOnlyList<int>>? afterEpoch)
    {
        var count = trials.Count;
        var results = new TrainingResult?[count];
        var histories = Enumerable.Range(0, count).Select(_ => new List<EpochRecord>()).ToArray();
        var steps = new long[count];
        var lastFinite = Enumerable.Repeat(double.NaN, count).ToArray();
        var iters = trials[0].Options.ItersPerEpoch;
        var batchSize = trials[0].Options.BatchSize;

        using var noGrad = no_grad();
        var pending = new List<Tensor>();
        // Trials that share their inputs share the batch seed, dataset size and batch size (TrialStacks), so
        // their samplers would draw the same indices: one draws for all (the kernel's Load).
        var samplers = (sharedInputs ? trials.Take(1) : trials).Select(t => batchSize is { } b ? new BatchSampler(t.Seed, t.Data.Count, b, t.Data.Inputs.device) : null).ToArray();
        try
        {
            var build = Phases.Time("trainer/kernel");
            using var kernel = StepKernel.Create(trials, sharedInputs);
            build.Dispose();
            var window = LossReads.Window(trials[0].Student.Device, iters);
            for (var epoch = 0; kernel.Active.Count > 0; epoch++)
            {
                kernel.SetRates(kernel.Active.Select(i => trials[i].Options.RateAt(epoch)).ToArray());
                var stepping = Phases.Time("trainer/steps");
                for (var it = 0; it < iters && kernel.Active.Count > 0; it++)
                {
                    if (batchSize is not null && it % BatchSampler.ChunkSteps == 0)
                    {
                        var length = BatchSampler.ChunkLength(it, iters);
                        kernel.Load(sharedInputs ? [samplers[0]!.Next(length)] : kernel.Active.Select(i => samplers[i]!.Next(length)).ToArray());
                    }
                    if (window == 1)
                    {
                        LossReads.Count();
                        var losses = kernel.Step();
                        var stopped = CheckLosses(kernel.Active, losses, 1, epoch);
                        if (stopped is not null) kernel.Retire(stopped);
                    }
                    else pending.Add(kernel.StepOnDevice());
                }
                if (pending.Count > 0)
                {
                    // One read for the epoch's steps (LossReads): (T_active, steps) on the host.
                    LossReads.Count();
                    double[] read;
                    using (var all = stack(pending, 1))
                    using (var onHost = all.to(CPU))
                        read = onHost.data<double>().ToArray();
                    var stepCount = pending.Count;
                    foreach (var t in pending) t.Dispose();
                    pending.Clear();
                    var stopped = CheckLosses(kernel.Active, read, stepCount, epoch);
                    if (stopped is not null) kernel.Retire(stopped);
                }
                stepping.Dispose();
                if (kernel.Active.Count == 0) break;

                using (Phases.Time("trainer/write-back"))
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
                    double trainLoss, maxGrad;
                    LossReads.Count();
                    using (Phases.Time("trainer/measure"))
                        (trainLoss, maxGrad) = kernel.Measure(i);
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
                afterEpoch?.Invoke(kernel.Active.ToArray());
                if (finished is not null) kernel.Retire(finished, writeBack: false);
            }
        }
        finally
        {
            foreach (var t in pending) t.Dispose();
            foreach (var s in samplers) s?.Dispose();
        }
        return results.Select(r => r!).ToArray();

        // The losses of the steps just taken, active trial p's step s at p * stepCount + s: counts each
        // trial's steps up to its first non-finite loss, which stops it (returned with the others that stopped).
        List<int>? CheckLosses(IReadOnlyList<int> active, double[] losses, int stepCount, int epoch)
        {
            List<int>? stopped = null;
            for (var p = 0; p < active.Count; p++)
            {
                var i = active[p];
                for (var k = p * stepCount; k < (p + 1) * stepCount; k++)
                {
                    var loss = losses[k];
                    steps[i]++;
                    if (double.IsFinite(loss)) { lastFinite[i] = loss; continue; }
                    results[i] = Finish(TrainingOutcome.Diverged, steps[i], epoch, loss, double.NaN, histories[i], lastFinite[i], steps[i]);
                    (stopped ??= []).Add(i);
                    break;
                }
            }
            return stopped;
        }
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

    internal static TrainingResult Finish(TrainingOutcome outcome, long steps, int epochs, double loss, double maxGrad, List<EpochRecord> history, double? lastFinite = null, long? divergedAt = null) =>
        new(outcome, steps, epochs, loss, maxGrad, history.ToArray(), outcome == TrainingOutcome.Diverged ? lastFinite : null, divergedAt);

    /// <summary>
    /// Training loss 1/2 E||f* - f||^2 and max_x ||g_1(x)|| over the whole dataset; with <paramref name="everyLayer"/>,
    /// max_x max_l ||g_l(x)|| over every layer's back-propagated signal, the output residual included (a per-sample gradient
    /// w.r.t. layer l's weights is g_l(x) f~_{l-1}(x)^T, at least ||g_l(x)|| since f~ carries a constant 1).
    /// </summary>
    /// <remarks>Runs on all cores when the dataset is large and the caller is not one of <see cref="TrialRunner"/>'s workers.</remarks>
    public static (double Loss, double MaxSampleGradient) Measure(RectifiedNetwork student, Dataset data, bool everyLayer = false) =>
        IntraOpThreads.Run(MeasureFlops(student, data.Count), () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = RectifiedNetwork.Augment(data.Inputs);
            return StepKernel.Summarize(StepKernel.Signals(student.Activation, student.Weights, x, data.Targets), everyLayer);
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
