using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Training;

/// <summary>One trial of a batch: a student, its training set, its options and its batch seed.</summary>
public sealed record BatchedTrial(RectifiedNetwork Student, Dataset Data, SgdOptions Options, long Seed)
{
    public override string ToString() => $"student {Student}, N = {Data.Count}, seed {Seed}, lr {Options.LearningRate}";
}

/// <summary>
/// Trains T independent students of the same shape in one tensor program: every weight is a stack
/// (T, rows, cols) and every product a batched product (bmm), so the per-operation overhead that
/// dominates one small trial is paid once for all T. Each trial draws its batches from its own
/// generator exactly as <see cref="SgdTrainer.Train"/> does, measures and stops exactly as it does
/// (gradient target, budget, divergence at the step it happens), and so ends with the result and the
/// weights it would reach alone, up to float64 round-off. A trial that stops leaves the batch; the
/// others go on without it.
/// </summary>
/// <remarks>
/// Trials may differ in student weights, data, seeds, learning rates and schedules, epochs and
/// gradient targets; they must share the student's widths and activation, the dtype and device, the
/// batch size and the iterations per epoch (full-batch runs also the dataset size). Trials that
/// share one <see cref="Dataset"/> object share its storage.
/// </remarks>
public static class BatchedSgdTrainer
{
    /// <summary>
    /// Trains every trial's student in place; results in input order. <paramref name="onEpoch"/>
    /// receives (trial index, record) after each trial's epoch.
    /// </summary>
    public static TrainingResult[] Train(IReadOnlyList<BatchedTrial> trials, Action<int, EpochRecord>? onEpoch = null)
    {
        CheckBatch(trials);
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
            using var state = new BatchedState(trials);
            for (var epoch = 0; state.Active.Count > 0; epoch++)
            {
                var rates = state.Active.Select(i => trials[i].Options.RateAt(epoch)).ToArray();
                state.SetRates(rates);
                for (var it = 0; it < iters && state.Active.Count > 0; it++)
                {
                    if (batchSize is not null && it % BatchSampler.ChunkSteps == 0)
                    {
                        var length = BatchSampler.ChunkLength(it, iters);
                        state.Load(state.Active.Select(i => samplers[i]!.Next(length)).ToArray());
                    }
                    var losses = state.Step();
                    var stopped = new List<int>();
                    for (var p = 0; p < losses.Length; p++)
                    {
                        var i = state.Active[p];
                        steps[i]++;
                        if (double.IsFinite(losses[p])) { lastFinite[i] = losses[p]; continue; }
                        results[i] = SgdTrainer.Finish(TrainingOutcome.Diverged, steps[i], epoch, losses[p], double.NaN, histories[i], lastFinite[i], steps[i]);
                        stopped.Add(i);
                    }
                    if (stopped.Count > 0) state.Retire(stopped);
                }
                if (state.Active.Count == 0) break;

                state.WriteBack(state.Active);
                var finished = new List<int>();
                foreach (var i in state.Active)
                {
                    var trial = trials[i];
                    var (trainLoss, maxGrad) = SgdTrainer.Measure(trial.Student, trial.Data);
                    var record = new EpochRecord(epoch + 1, steps[i], trial.Options.RateAt(epoch), trainLoss, maxGrad);
                    histories[i].Add(record);
                    onEpoch?.Invoke(i, record);
                    if (!double.IsFinite(trainLoss) || !double.IsFinite(maxGrad))
                        results[i] = SgdTrainer.Finish(TrainingOutcome.Diverged, steps[i], epoch + 1, trainLoss, maxGrad, histories[i], lastFinite[i], steps[i]);
                    else if (trial.Options.GradientTarget is { } target && maxGrad <= target)
                        results[i] = SgdTrainer.Finish(TrainingOutcome.ReachedGradientTarget, steps[i], epoch + 1, trainLoss, maxGrad, histories[i]);
                    else if (epoch + 1 == trial.Options.Epochs)
                        results[i] = SgdTrainer.Finish(TrainingOutcome.BudgetExhausted, steps[i], epoch + 1, trainLoss, maxGrad, histories[i]);
                    else continue;
                    finished.Add(i);
                }
                if (finished.Count > 0) state.Retire(finished, writeBack: false);
            }
        }
        finally
        {
            foreach (var s in samplers) s?.Dispose();
        }
        return results.Select(r => r!).ToArray();
    }

    static void CheckBatch(IReadOnlyList<BatchedTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (trials.Count == 0) throw new ArgumentException("A batch needs at least one trial.", nameof(trials));
        var first = trials[0];
        var students = new HashSet<RectifiedNetwork>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < trials.Count; i++)
        {
            var t = trials[i] ?? throw new ArgumentException($"Trial {i} is null.", nameof(trials));
            try { SgdTrainer.Check(t.Student, t.Data, t.Options); }
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
                throw new ArgumentException($"Trial {i} cannot share a batch with trial 0: {mismatch}. Batched trials must have the same shapes.", nameof(trials));
        }
    }
}

/// <summary>
/// The tensors of the trials still running, stacked on dimension 0 in the order of <see cref="Active"/>:
/// weights (T, rows, cols), hidden buffers H~_l (T, B, n_l + 1) with their constant column, and the
/// step size lr_t / B as (T, 1, 1). The data of all trials sits in one flat (sum N, d + 1) table,
/// each trial reading its own rows through an offset.
/// </summary>
internal sealed class BatchedState : IDisposable
{
    readonly IReadOnlyList<BatchedTrial> trials;
    readonly Activation activation;
    readonly int? batchSize;
    readonly Tensor flatX;            // augmented inputs of every distinct dataset, stacked by rows
    readonly Tensor flatY;
    readonly long[] offsets;          // first row of trial i's data in flatX
    readonly Scalar zero;
    readonly Scalar? slope;
    readonly List<int> active;
    Tensor[] weights = [];
    Tensor[] upperT = [];
    Tensor[] hidden = [], hiddenView = [], hiddenT = [];
    Tensor? fullX, fullXT, fullY;     // full-batch runs: (T, N, d + 1), its transpose, (T, N, outputs)
    Tensor? scale;
    Tensor? chunk;                    // (steps, T * B) rows of flatX for the loaded steps
    int chunkStep;
    Tensor? blockX, blockXT, blockY;  // gathered batches of the next few steps: (k, T, B, d + 1), its transpose, (k, T, B, outputs)
    int blockStart;

    /// <summary>Steps gathered per index_select: fewer operations per step, a few MB at most (8 x 32 x 16 x 151 doubles).</summary>
    const int BlockSteps = 8;
    double[] rates = [];

    public IReadOnlyList<int> Active => active;

    public BatchedState(IReadOnlyList<BatchedTrial> trials)
    {
        this.trials = trials;
        var first = trials[0].Student;
        activation = first.Activation;
        batchSize = trials[0].Options.BatchSize;
        active = Enumerable.Range(0, trials.Count).ToList();
        var distinct = new List<Dataset>();
        offsets = new long[trials.Count];
        long rows = 0;
        var start = new Dictionary<Dataset, long>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < trials.Count; i++)
        {
            if (!start.TryGetValue(trials[i].Data, out var offset))
            {
                start[trials[i].Data] = offset = rows;
                distinct.Add(trials[i].Data);
                rows += trials[i].Data.Count;
            }
            offsets[i] = offset;
        }
        using (var scope = NewDisposeScope())
        {
            flatX = RectifiedNetwork.Augment(cat(distinct.Select(d => d.Inputs).ToArray(), 0)).MoveToOuterDisposeScope();
            flatY = cat(distinct.Select(d => d.Targets).ToArray(), 0).MoveToOuterDisposeScope();
            weights = Enumerable.Range(0, first.Weights.Count)
                .Select(l => stack(trials.Select(t => (Tensor)t.Student.Weights[l]).ToArray(), 0).MoveToOuterDisposeScope())
                .ToArray();
        }
        zero = 0.0.ToScalar();
        slope = activation.NegativeSlope is > 0 and < 1 ? activation.NegativeSlope.ToScalar() : null;
        BuildViews();
    }

    /// <summary>Sets the learning rate of each active trial (in the order of <see cref="Active"/>).</summary>
    public void SetRates(double[] learningRates)
    {
        rates = learningRates;
        scale?.Dispose();
        var rows = (double)(batchSize ?? trials[active[0]].Data.Count);
        using var scope = NewDisposeScope();
        scale = tensor(learningRates.Select(r => r / rows).ToArray(), dtype: weights[0].dtype, device: weights[0].device).view(-1, 1, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Loads the batches of the next steps: one (steps, B) index tensor per active trial, which this call disposes.</summary>
    public void Load(Tensor[] indices)
    {
        chunk?.Dispose();
        using (var scope = NewDisposeScope())
        {
            var shifted = indices.Select((idx, p) => idx.Plus(offsets[active[p]])).ToArray();
            chunk = stack(shifted, 1).reshape(indices[0].shape[0], -1).MoveToOuterDisposeScope();
        }
        foreach (var idx in indices) idx.Dispose();
        chunkStep = 0;
        ReleaseBlock();
    }

    /// <summary>One SGD step of every active trial; returns each one's batch loss before the step.</summary>
    public double[] Step()
    {
        using var scope = NewDisposeScope();
        Tensor x, xT, y;
        var count = active.Count;
        if (batchSize is { } b)
        {
            if (blockX is null || chunkStep - blockStart >= blockX.shape[0]) GatherBlock(count, b);
            var j = chunkStep++ - blockStart;
            x = blockX!.select(0, j);
            xT = blockXT!.select(0, j);
            y = blockY!.select(0, j);
        }
        else (x, xT, y) = (fullX!, fullXT!, fullY!);

        var a = x;
        for (var l = 0; l < hidden.Length; l++)
        {
            hiddenView[l].copy_(a.bmm(weights[l]));
            if (activation.NegativeSlope == 0.0) hiddenView[l].relu_();
            else if (slope is not null) hiddenView[l].leaky_relu_(slope);
            a = hidden[l];
        }
        // Not baddbmm: TorchSharp 0.107 passes its operands to libtorch in another order (it fails on these shapes).
        var g = y - a.bmm(weights[^1]);
        // Each trial's loss as the single-trial step computes it: 0.5 ||r||_F^2 / B.
        var norms = g.flatten(1).norm(1, false, 2.0f);
        if (norms.device_type != DeviceType.CPU) norms = norms.cpu();
        var losses = norms.data<double>().ToArray();
        var rowsPerStep = (double)x.shape[1];
        for (var p = 0; p < losses.Length; p++) losses[p] = 0.5 * (losses[p] * losses[p]) / rowsPerStep;

        g.mul_(scale!);
        for (var l = weights.Length - 1; l >= 0; l--)
        {
            Tensor? below = null;
            if (l > 0)
            {
                below = g.bmm(upperT[l]);
                var open = hiddenView[l - 1].gt(zero);
                if (activation.NegativeSlope == 0.0) below.mul_(open);
                else if (slope is not null) below = where(open, below, below.mul(slope));
            }
            weights[l].Plus_((l == 0 ? xT : hiddenT[l - 1]).bmm(g));
            g = below!;
        }
        return losses;
    }

    void GatherBlock(int count, int batch)
    {
        ReleaseBlock();
        using var scope = NewDisposeScope();
        var steps = Math.Min(BlockSteps, (int)chunk!.shape[0] - chunkStep);
        var rows = chunk.narrow(0, chunkStep, steps).reshape(-1);
        // Detached, not moved out: the caller (Step) runs in its own scope, and the block outlives it.
        blockX = flatX.index_select(0, rows).view(steps, count, batch, flatX.shape[1]).DetachFromDisposeScope();
        blockXT = blockX.transpose(2, 3).DetachFromDisposeScope();
        blockY = flatY.index_select(0, rows).view(steps, count, batch, flatY.shape[1]).DetachFromDisposeScope();
        blockStart = chunkStep;
    }

    void ReleaseBlock()
    {
        blockX?.Dispose();
        blockXT?.Dispose();
        blockY?.Dispose();
        blockX = blockXT = blockY = null;
    }

    /// <summary>Copies the stacked weights of <paramref name="trialIndices"/> (active ones) back into their students.</summary>
    public void WriteBack(IEnumerable<int> trialIndices)
    {
        foreach (var i in trialIndices)
        {
            var p = active.IndexOf(i);
            var student = trials[i].Student;
            for (var l = 0; l < weights.Length; l++)
            {
                using var slice = weights[l].select(0, p);
                student.Weights[l].copy_(slice);
            }
        }
    }

    /// <summary>Removes stopped trials from the batch (writing their weights back first unless already done).</summary>
    public void Retire(IReadOnlyCollection<int> trialIndices, bool writeBack = true)
    {
        if (writeBack) WriteBack(trialIndices);
        var keepPositions = active.Select((i, p) => (i, p)).Where(ip => !trialIndices.Contains(ip.i)).Select(ip => (long)ip.p).ToArray();
        active.RemoveAll(trialIndices.Contains);
        DisposeViews();
        ReleaseBlock();
        if (active.Count == 0)
        {
            foreach (var w in weights) w.Dispose();
            weights = [];
            chunk?.Dispose();
            chunk = null;
            return;
        }
        using (var scope = NewDisposeScope())
        {
            var keep = tensor(keepPositions, device: weights[0].device);
            weights = weights.Select(w => { var kept = w.index_select(0, keep).MoveToOuterDisposeScope(); w.Dispose(); return kept; }).ToArray();
            if (chunk is not null)
            {
                var steps = chunk.shape[0];
                var kept = chunk.view(steps, keepPositions.Length + trialIndices.Count, -1).index_select(1, keep).reshape(steps, -1).MoveToOuterDisposeScope();
                chunk.Dispose();
                chunk = kept;
            }
        }
        BuildViews();
        SetRates(keepPositions.Select(p => rates[p]).ToArray());
    }

    void BuildViews()
    {
        using var scope = NewDisposeScope();
        var count = active.Count;
        var dtype = weights[0].dtype;
        var device = weights[0].device;
        upperT = new Tensor[weights.Length];
        for (var l = 1; l < weights.Length; l++)
            upperT[l] = weights[l].narrow(1, 0, weights[l].shape[1] - 1).transpose(1, 2).MoveToOuterDisposeScope();
        var rows = batchSize ?? trials[active[0]].Data.Count;
        var hiddenLayers = weights.Length - 1;
        hidden = new Tensor[hiddenLayers];
        hiddenView = new Tensor[hiddenLayers];
        hiddenT = new Tensor[hiddenLayers];
        for (var l = 0; l < hiddenLayers; l++)
        {
            var width = weights[l].shape[2];
            hidden[l] = ones([count, rows, width + 1], dtype: dtype, device: device).MoveToOuterDisposeScope();
            hiddenView[l] = hidden[l].narrow(2, 0, width).MoveToOuterDisposeScope();
            hiddenT[l] = hidden[l].transpose(1, 2).MoveToOuterDisposeScope();
        }
        if (batchSize is null)
        {
            var n = trials[active[0]].Data.Count;
            var starts = active.Select(i => offsets[i]).ToArray();
            var index = tensor(starts, device: flatX.device).view(-1, 1).Plus(Scalars.Range(n, flatX.device).view(1, -1)).reshape(-1);
            fullX = flatX.index_select(0, index).view(count, n, -1).MoveToOuterDisposeScope();
            fullXT = fullX.transpose(1, 2).MoveToOuterDisposeScope();
            fullY = flatY.index_select(0, index).view(count, n, -1).MoveToOuterDisposeScope();
        }
    }

    void DisposeViews()
    {
        foreach (var t in hiddenT.Concat(hiddenView).Concat(hidden)) t.Dispose();
        foreach (var t in upperT.Skip(1)) t.Dispose();
        fullXT?.Dispose();
        fullX?.Dispose();
        fullY?.Dispose();
        fullX = fullXT = fullY = null;
        hidden = hiddenView = hiddenT = upperT = [];
    }

    public void Dispose()
    {
        DisposeViews();
        ReleaseBlock();
        foreach (var w in weights) w.Dispose();
        weights = [];
        chunk?.Dispose();
        scale?.Dispose();
        flatX.Dispose();
        flatY.Dispose();
        zero.Dispose();
        slope?.Dispose();
    }
}
