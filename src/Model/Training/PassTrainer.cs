using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// SGD the way the authors' multi-layer experiment trains (recon_multilayer.py's train_model): each
/// epoch one shuffled pass over the training set (<see cref="ShuffledPasses"/>), each batch one step
/// of the suite's kernel (<see cref="StepKernel"/>), the last batch of a pass smaller when B does not
/// divide N. A non-finite batch loss stops the run at that step (<see cref="TrainingOutcome.Diverged"/>);
/// otherwise it runs every epoch (<see cref="TrainingOutcome.BudgetExhausted"/>). The student's
/// weights are updated in place.
/// </summary>
/// <remarks>
/// One trial alone: the kernel of a trial alone works on the student's own weight tensors, so the
/// full batches (one kernel for the run) and an epoch's smaller last batch (a kernel of its own, on
/// a copy of those few samples) update the same weights. <see cref="SgdTrainer"/>, which stacks
/// trials, draws batches of one size with replacement instead.
/// </remarks>
public static class PassTrainer
{
    /// <summary>Trains <paramref name="student"/> on <paramref name="train"/>; the permutations are drawn with <paramref name="seed"/>.</summary>
    public static PassResult Train(RectifiedNetwork student, Dataset train, PassOptions options, long seed, Action<PassEpoch>? afterEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(train.Count);
        var stepOptions = new SgdOptions { LearningRate = options.RateAt(0), BatchSize = options.Batch, Epochs = 1, ItersPerEpoch = 1 };
        SgdTrainer.Check(student, train, stepOptions);

        using var noGrad = no_grad();
        using var passes = new ShuffledPasses(seed, train.Count, options.Batch);
        using var kernel = passes.FullBatches > 0 ? StepKernel.Create([new Trial(student, train, stepOptions, seed)]) : null;
        var history = new List<double>();
        long steps = 0;
        var lastFinite = double.NaN;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var rate = options.RateAt(epoch);
            var sum = 0.0;
            using var order = passes.NextEpoch();
            if (kernel is not null)
            {
                kernel.SetRates([rate]);
                for (var start = 0; start < passes.FullBatches; start += BatchSampler.ChunkSteps)
                {
                    var length = Math.Min(BatchSampler.ChunkSteps, passes.FullBatches - start);
                    kernel.Load([Batches(order, (long)start * options.Batch, length, options.Batch, train.Inputs.device)]);
                    for (var s = 0; s < length; s++)
                    {
                        var loss = kernel.Step()[0];
                        steps++;
                        if (!double.IsFinite(loss)) return Stopped(steps, epoch, history, lastFinite);
                        lastFinite = loss;
                        sum += loss;
                    }
                }
            }
            if (passes.Tail > 0)
            {
                var loss = TailStep(student, train, order, (long)passes.FullBatches * options.Batch, passes.Tail, rate, stepOptions, seed);
                steps++;
                if (!double.IsFinite(loss)) return Stopped(steps, epoch, history, lastFinite);
                lastFinite = loss;
                sum += loss;
            }
            history.Add(sum / passes.StepsPerEpoch);
            afterEpoch?.Invoke(new PassEpoch(epoch + 1, steps, rate, history[^1]));
        }
        return new PassResult(TrainingOutcome.BudgetExhausted, steps, options.Epochs, history.ToArray());
    }

    static PassResult Stopped(long steps, int epochsDone, List<double> history, double lastFinite) =>
        new(TrainingOutcome.Diverged, steps, epochsDone, history.ToArray(), steps, double.IsFinite(lastFinite) ? lastFinite : null);

    /// <summary>Rows <paramref name="start"/> .. of <paramref name="order"/> as <paramref name="steps"/> batches: (steps, B) on <paramref name="device"/>, owned by the kernel's Load.</summary>
    static Tensor Batches(Tensor order, long start, int steps, int batch, Device device)
    {
        using var rows = order.narrow(0, start, (long)steps * batch);
        var batches = rows.reshape(steps, batch);
        if (device.type == DeviceType.CPU) return batches;
        using (batches) return batches.to(device);
    }

    /// <summary>One step on the last <paramref name="count"/> samples of the pass (a kernel of that batch size, on a copy of those samples); returns its loss.</summary>
    static double TailStep(RectifiedNetwork student, Dataset train, Tensor order, long start, int count, double rate, SgdOptions stepOptions, long seed)
    {
        using var rows = order.narrow(0, start, count);
        using var tail = train.Rows(rows);
        using var kernel = StepKernel.Create([new Trial(student, tail, stepOptions with { BatchSize = count }, seed)]);
        kernel.SetRates([rate]);
        using var all = Scalars.Range(count, train.Inputs.device);
        kernel.Load([all.view(1, count)]);
        return kernel.Step()[0];
    }
}
