using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Training;

/// <summary>
/// Hand-written SGD for <see cref="RectifiedNetwork"/> students (no autograd bookkeeping):
/// forward pass, residual r = f*(x) - f(x), then g_L = r and g_{l-1} = sigma'(a_{l-1}) * (g_l W_l^-T),
/// and W_l += lr * h~_{l-1}^T g_l / B. The student's weights are updated in place.
/// </summary>
public static class SgdTrainer
{
    /// <summary>Trains <paramref name="student"/> on <paramref name="train"/>; batches drawn with <paramref name="seed"/>.</summary>
    public static TrainingResult Train(RectifiedNetwork student, Dataset train, SgdOptions options, long seed, Action<EpochRecord>? onEpoch = null)
    {
        Check(student, train, options);
        using var noGrad = no_grad();
        using var stepper = new SgdStepper(student, train, options.BatchSize);
        using var sampler = options.BatchSize is { } b ? new BatchSampler(seed, train.Count, b, train.Inputs.device) : null;
        var history = new List<EpochRecord>();
        long steps = 0;
        double lastFinite = double.NaN;

        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var lr = options.RateAt(epoch);
            stepper.SetRate(lr);
            for (var it = 0; it < options.ItersPerEpoch; it++)
            {
                if (sampler is not null && it % BatchSampler.ChunkSteps == 0)
                {
                    using var indices = sampler.Next(BatchSampler.ChunkLength(it, options.ItersPerEpoch));
                    stepper.Load(indices);
                }
                var loss = stepper.Step();
                steps++;
                if (!double.IsFinite(loss))
                    return Finish(TrainingOutcome.Diverged, steps, epoch, loss, double.NaN, history, lastFinite, steps);
                lastFinite = loss;
            }
            var (trainLoss, maxGrad) = Measure(student, train);
            var record = new EpochRecord(epoch + 1, steps, lr, trainLoss, maxGrad);
            history.Add(record);
            onEpoch?.Invoke(record);
            if (!double.IsFinite(trainLoss) || !double.IsFinite(maxGrad))
                return Finish(TrainingOutcome.Diverged, steps, epoch + 1, trainLoss, maxGrad, history, lastFinite, steps);
            if (options.GradientTarget is { } target && maxGrad <= target)
                return Finish(TrainingOutcome.ReachedGradientTarget, steps, epoch + 1, trainLoss, maxGrad, history);
        }
        var last = history[^1];
        return Finish(TrainingOutcome.BudgetExhausted, steps, options.Epochs, last.TrainLoss, last.MaxSampleGradient, history);
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

    /// <summary>Training loss 1/2 E||f* - f||^2 and max_x ||g_1(x)|| over the whole dataset.</summary>
    /// <remarks>Runs on all cores when the dataset is large and the caller is not one of <see cref="TrialRunner"/>'s workers.</remarks>
    public static (double Loss, double MaxSampleGradient) Measure(RectifiedNetwork student, Dataset data) =>
        IntraOpThreads.Run(MeasureFlops(student, data.Count), () => MeasureOnThisThread(student, data));

    /// <summary>Multiply-adds x 2 of one forward and one backward pass over <paramref name="samples"/> samples.</summary>
    internal static double MeasureFlops(RectifiedNetwork net, int samples)
    {
        double perSample = 0;
        for (var l = 0; l + 1 < net.Widths.Count; l++)
            perSample += 2.0 * (net.Widths[l] + 1) * net.Widths[l + 1] * (l == 0 ? 1 : 2);
        return perSample * samples;
    }

    static (double Loss, double MaxSampleGradient) MeasureOnThisThread(RectifiedNetwork student, Dataset data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var signals = Backprop.Signals(student, data.Inputs, data.Targets);
        var residual = signals[^1];
        var loss = 0.5 * residual.Squared().sum().item<double>() / data.Count;
        var maxGrad = Runtime.TensorOps.RowNorms(signals[0]).max().item<double>();
        return (loss, maxGrad);
    }
}

/// <summary>The back-propagated signals g_l(x) = -dLoss_x/da_l of every layer, for every sample.</summary>
public static class Backprop
{
    /// <summary>
    /// x: (N, d), y: (N, outputs) -> [g_1 (N, n_1), ..., g_{L-1} (N, n_{L-1}), r (N, outputs)],
    /// where r = y - f(x) is the output residual (the output layer's signal).
    /// </summary>
    public static Tensor[] Signals(RectifiedNetwork net, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var trace = net.Trace(x);
        var layers = net.Weights.Count;
        var signals = new Tensor[layers];
        signals[^1] = y - trace.Output;
        for (var l = layers - 1; l > 0; l--)
        {
            var w = net.Weights[l];
            signals[l - 1] = net.Activation.Gate(trace.PreActivations[l - 1]).mul_(signals[l].mm(w.narrow(0, 0, w.shape[0] - 1).t()));
        }
        foreach (var s in signals) s.MoveToOuterDisposeScope();
        return signals;
    }
}
