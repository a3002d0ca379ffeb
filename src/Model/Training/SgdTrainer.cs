using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using static TorchSharp.torch;

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
        options.Validate(train.Count);
        if (train.InputDim != student.InputDim)
            throw new ArgumentException($"The dataset has input dimension {train.InputDim}; the student expects {student.InputDim}.", nameof(train));
        if (train.Targets.shape[1] != student.OutputDim)
            throw new ArgumentException($"The dataset has {train.Targets.shape[1]} outputs; the student has {student.OutputDim}.", nameof(train));

        var rng = new Generator((ulong)seed, train.Inputs.device);
        var weights = student.Weights.ToArray();
        var history = new List<EpochRecord>();
        long steps = 0;
        double lastFinite = double.NaN;
        using var noGrad = no_grad();

        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var lr = options.RateAt(epoch);
            for (var it = 0; it < options.ItersPerEpoch; it++)
            {
                using var scope = NewDisposeScope();
                Tensor x, y;
                if (options.BatchSize is { } b)
                {
                    var idx = randint(0, train.Count, [b], dtype: ScalarType.Int64, device: train.Inputs.device, generator: rng);
                    x = train.Inputs.index_select(0, idx);
                    y = train.Targets.index_select(0, idx);
                }
                else
                {
                    x = train.Inputs;
                    y = train.Targets;
                }
                var loss = Step(student.Activation, weights, x, y, lr);
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

    static TrainingResult Finish(TrainingOutcome outcome, long steps, int epochs, double loss, double maxGrad, List<EpochRecord> history, double? lastFinite = null, long? divergedAt = null) =>
        new(outcome, steps, epochs, loss, maxGrad, history, outcome == TrainingOutcome.Diverged ? lastFinite : null, divergedAt);

    /// <summary>One SGD step on the batch (x, y); returns the batch loss before the step.</summary>
    internal static double Step(Activation activation, Tensor[] weights, Tensor x, Tensor y, double lr)
    {
        var layers = weights.Length;
        var inputs = new Tensor[layers];   // h~_{l-1}: the augmented input of layer l
        var pre = new Tensor[layers - 1];  // a_l of the hidden layers
        var h = x;
        for (var l = 0; l < layers - 1; l++)
        {
            inputs[l] = RectifiedNetwork.Augment(h);
            pre[l] = inputs[l].mm(weights[l]);
            h = activation.Apply(pre[l]);
        }
        inputs[^1] = RectifiedNetwork.Augment(h);
        var g = y - inputs[^1].mm(weights[^1]);
        var loss = 0.5 * g.square().sum().item<double>() / x.shape[0];
        var scale = lr / x.shape[0];
        for (var l = layers - 1; l >= 0; l--)
        {
            var update = inputs[l].t().mm(g);
            if (l > 0)
                g = activation.Gate(pre[l - 1]).mul_(g.mm(weights[l].narrow(0, 0, weights[l].shape[0] - 1).t()));
            weights[l].add_(update, alpha: scale);
        }
        return loss;
    }

    /// <summary>Training loss 1/2 E||f* - f||^2 and max_x ||g_1(x)|| over the whole dataset.</summary>
    public static (double Loss, double MaxSampleGradient) Measure(RectifiedNetwork student, Dataset data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var signals = Backprop.Signals(student, data.Inputs, data.Targets);
        var residual = signals[^1];
        var loss = 0.5 * residual.square().sum().item<double>() / data.Count;
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
