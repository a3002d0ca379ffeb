using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// The one SGD step of the suite, over T trials stacked on a leading dimension (T = 1 is the single
/// trial). A step draws each trial's batch (or takes its whole dataset: full-batch gradient descent),
/// runs the forward pass layer by layer, computes the residual r = f*(x) - f(x) and each trial's loss
/// 0.5 ||r||^2 / B, scales r by lr_t / B, and walks down the layers: the signal below,
/// g_{l-1} = sigma'(a_{l-1}) * (g_l W_l^T) (bias row left out), is taken before W_l is updated by
/// W_l += h~_{l-1}^T g_l (bias row included). <see cref="Signals"/> is the same forward and backward
/// pass over a whole dataset, without the update: the per-sample signals the measurements need.
/// </summary>
/// <remarks>
/// <para>
/// Two layouts of the same arithmetic: <see cref="StackKernel"/>, trials of one shape stacked (or a
/// trial alone), and <see cref="SharedInputKernel"/>, trials that read the same inputs in the same
/// batch order, whose first layers form one wide product. <see cref="Create"/> picks the layout; this
/// class holds what both share: the inputs and targets, the trials still stepping, their step sizes,
/// the loaded batches and their gathered inputs, and the residuals with the losses.
/// </para>
/// <para>
/// Every product, the activation, the gate, the residuals with their losses and the gather go through
/// the step's operations (<see cref="IStepOps"/>), chosen once for the kernel (<see cref="StepOps.For"/>):
/// the direct CPU path or libtorch's operators. Everything a step needs and that outlives it is built
/// once: the augmented inputs X~ = [X, 1] of every distinct dataset, stacked by rows in one table that
/// each trial reads through its offset; the buffers each layout writes in place. The inputs of several
/// steps' batches are gathered at once into a buffer kept for the kernel's life; the targets are read
/// from their rows where they lie (<see cref="Residuals_"/>). Every tensor a step creates is disposed
/// before it returns.
/// </para>
/// <para>
/// addmm_ and baddbmm take alpha and beta as float32 in TorchSharp, so only 0, 1 and -1 are passed
/// there; the step size lr / B multiplies the residual once, in the weights' dtype.
/// </para>
/// </remarks>
internal abstract partial class StepKernel : IDisposable
{
    protected readonly IReadOnlyList<Trial> trials;
    protected readonly Activation activation;
    protected readonly IStepOps ops;         // the products and passes, chosen once for the kernel's device
    protected readonly double slope;         // the activation's negative slope c
    protected readonly int? batchSize;
    protected readonly long rowsPerStep;     // B, or the dataset size in full-batch runs
    protected readonly ScalarType dtype;
    protected readonly Device device;
    protected readonly Tensor flatX;         // X~ of every distinct dataset, stacked by rows: (sum N, d + 1); the shared inputs once
    protected readonly Tensor flatY;         // their targets: (sum N, outputs)
    protected readonly long[] offsets;       // first row of trial i's dataset in flatY (and in flatX unless the inputs are shared)
    protected readonly List<int> active;
    readonly bool inputsOnce;
    protected Tensor? scale;                 // lr_t / B, (T, 1, 1) or (1, 1)
    double[] rates = [];
    double[] scales = [];                    // lr_t / B of each active trial, as in scale
    protected Tensor? chunk;                 // (steps, T * B) rows of flatY for the loaded steps
    int chunkStep;
    Tensor? gathered;                        // the buffer blockX lies in (the direct path's)
    Tensor? blockX, blockXT;                 // gathered inputs of the next few steps: (k, [T,] B, d + 1) and its transpose
    int blockStart;
    protected Tensor? residuals;             // (T, B, outputs): the top layer's products, then the residuals (every mini-batch step)

    /// <summary>Rows gathered at once, at most: a few MB of float64 (a whole 64-step chunk for one trial).</summary>
    const int BlockRows = 1024;

    /// <summary>The trials still stepping, in stack order (indices into the trial list).</summary>
    public IReadOnlyList<int> Active => active;

    /// <summary>True when the kernel's tensors have a leading trial dimension (rank 3), false for a trial alone (rank 2).</summary>
    protected abstract bool Stacked { get; }

    /// <summary>The kernel for <paramref name="trials"/>.</summary>
    /// <param name="trials">Trials of one shape (student widths, activation, dtype, device, batch size), or, with <paramref name="sharedInputs"/>, of any widths.</param>
    /// <param name="sharedInputs">
    /// True when every trial reads the same inputs in the same batch order (mini-batch runs whose
    /// datasets hold equal inputs and whose batch seeds are equal: <see cref="SgdTrainer"/> checks
    /// this). Their first-layer products then become one wide product, and trials of different
    /// widths can share the kernel (each shape stacked on its own above the first layer).
    /// </param>
    public static StepKernel Create(IReadOnlyList<Trial> trials, bool sharedInputs = false) =>
        sharedInputs ? new SharedInputKernel(trials) : new StackKernel(trials);

    /// <param name="trials">The trials.</param>
    /// <param name="order">Their stack order.</param>
    /// <param name="sharedInputs">True when every trial reads the first trial's inputs: flatX holds them once.</param>
    protected StepKernel(IReadOnlyList<Trial> trials, IEnumerable<int> order, bool sharedInputs)
    {
        this.trials = trials;
        var first = trials[0].Student;
        activation = first.Activation;
        slope = activation.NegativeSlope;
        batchSize = trials[0].Options.BatchSize;
        rowsPerStep = batchSize ?? trials[0].Data.Count;
        dtype = first.DType;
        device = first.Device;
        ops = StepOps.For(device);
        inputsOnce = sharedInputs;
        active = order.ToList();
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
        using var scope = NewDisposeScope();
        flatX = RectifiedNetwork.Augment(distinct.Count == 1 || sharedInputs ? distinct[0].Inputs : cat(distinct.Select(d => d.Inputs).ToArray(), 0)).MoveToOuterDisposeScope();
        flatY = (distinct.Count == 1 ? distinct[0].Targets.alias() : cat(distinct.Select(d => d.Targets).ToArray(), 0)).MoveToOuterDisposeScope();
    }

    /// <summary>Sets the learning rate of each active trial (in the order of <see cref="Active"/>).</summary>
    public void SetRates(double[] learningRates)
    {
        rates = learningRates;
        scale?.Dispose();
        using var scope = NewDisposeScope();
        scales = learningRates.Select(r => r / rowsPerStep).ToArray();
        var values = tensor(scales, dtype: dtype, device: device);
        scale = (Stacked ? values.view(-1, 1, 1) : values.view(1, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads the batches of the next steps: one (steps, B) index tensor per active trial, or for a
    /// shared-input kernel one for all (its trials draw the same indices); this call disposes them.
    /// </summary>
    public void Load(Tensor[] indices)
    {
        Tensor next;
        using (var scope = NewDisposeScope())
            next = TargetRows(indices).MoveToOuterDisposeScope();
        chunk?.Dispose();
        chunk = next;
        foreach (var idx in indices) idx.Dispose();
        chunkStep = 0;
        ReleaseBlock();
    }

    /// <summary>The (steps, T B) rows of flatY that the loaded indices name, for every active trial; throws for a wrong number of index tensors.</summary>
    protected abstract Tensor TargetRows(Tensor[] indices);

    /// <summary>The (steps, rows) rows of flatX that the loaded steps gather: (steps, T B), or (steps, B) when the inputs are shared.</summary>
    protected abstract Tensor InputRows { get; }

    /// <summary>One SGD step of every active trial; returns each one's batch loss 0.5 ||r||^2 / B before the step.</summary>
    /// <remarks>Its few temporaries are disposed one by one as they die (no dispose scope: at the small size a step is mostly overhead).</remarks>
    public double[] Step()
    {
        if (batchSize is not { } b) return StepFull();
        if (chunk is null) throw new InvalidOperationException("No batches loaded: call Load before Step in a mini-batch run.");
        if (blockX is null || chunkStep - blockStart >= blockX.size(0)) GatherBlock(b);
        var j = chunkStep++ - blockStart;
        var (x, xT) = (blockX!.select(0, j), blockXT!.select(0, j));
        try
        {
            return StepBatch(x, xT, chunkStep - 1);
        }
        finally
        {
            x.Dispose();
            xT.Dispose();
        }
    }

    /// <summary>A mini-batch step on the batch x (B, d + 1) or ([T,] B, d + 1), its transpose, and the step's row of the loaded chunk.</summary>
    protected abstract double[] StepBatch(Tensor x, Tensor xT, int step);

    /// <summary>A full-batch step (every trial's whole dataset).</summary>
    protected abstract double[] StepFull();

    /// <summary>
    /// residuals &lt;- (y - residuals) * lr_t / B for every trial, where residuals holds the products h~ W
    /// and y each trial's targets at this step; returns each trial's loss 0.5 ||r||^2 / B before the
    /// scaling (<see cref="IStepOps.Residuals_"/>).
    /// </summary>
    protected double[] Residuals_(int step)
    {
        if (keepLossesOnDevice)
        {
            lossesOnDevice = ops.ResidualsOnDevice_(residuals!, flatY, chunk!, step, scale!).Over_(rowsPerStep);
            return [];
        }
        var losses = ops.Residuals_(residuals!, flatY, chunk!, step, scales, scale!);
        for (var p = 0; p < losses.Length; p++) losses[p] /= rowsPerStep;
        return losses;
    }

    /// <summary>Each trial's batch loss 0.5 ||g||^2 / B of the unscaled residuals g; within <see cref="StepOnDevice"/> left on the device (and an empty array returned).</summary>
    protected double[] BatchLosses(Tensor g)
    {
        if (keepLossesOnDevice)
        {
            lossesOnDevice = ops.HalfSquaredNormsOnDevice(g).Over_(rowsPerStep);
            return [];
        }
        var losses = ops.HalfSquaredNorms(g);
        for (var p = 0; p < losses.Length; p++) losses[p] /= rowsPerStep;
        return losses;
    }

    bool keepLossesOnDevice;   // true only within StepOnDevice
    Tensor? lossesOnDevice;    // where the step left its losses there

    /// <summary>
    /// One SGD step of every active trial, as <see cref="Step"/>, with no read to the host: returns each
    /// active trial's batch loss 0.5 ||r||^2 / B before the step as a float64 tensor (T_active,) on the
    /// kernel's device, owned by the caller. Its losses come from libtorch's norms (never a pass over host
    /// memory), so on the CPU they equal <see cref="Step"/>'s to round-off.
    /// </summary>
    public Tensor StepOnDevice()
    {
        keepLossesOnDevice = true;
        try
        {
            Step();
            var losses = lossesOnDevice ?? throw new InvalidOperationException("The step left no losses.");
            lossesOnDevice = null;
            return losses;
        }
        finally { keepLossesOnDevice = false; }
    }

    void GatherBlock(int batch)
    {
        ReleaseBlock();
        using var scope = NewDisposeScope();
        // Only inputs are gathered here; every mini-batch step reads its targets where they lie (Residuals_).
        var perStep = InputRows.size(1) / batch;
        var steps = Math.Min(Math.Max(1, BlockRows / (int)(perStep * batch)), (int)chunk!.shape[0] - chunkStep);
        var rows = InputRows.narrow(0, chunkStep, steps).reshape(-1);
        long[] shapeX = Stacked && !inputsOnce ? [steps, perStep, batch, flatX.shape[1]] : [steps, batch, flatX.shape[1]];
        // Detached, not moved out: the caller (Step) runs in its own scope, and the block outlives it.
        // The direct path gathers into a buffer kept for the kernel's life (gathered).
        blockX = ops.GatherRows(flatX, rows, ref gathered).view(shapeX).DetachFromDisposeScope();
        blockXT = blockX.transpose(-2, -1).DetachFromDisposeScope();
        blockStart = chunkStep;
    }

    void ReleaseBlock()
    {
        blockX?.Dispose();
        blockXT?.Dispose();
        blockX = blockXT = null;
    }

    /// <summary>The weights of the trial at stack position <paramref name="p"/>: views, (r, c) each, for the caller to dispose.</summary>
    protected abstract Tensor[] WeightsAt(int p);

    /// <summary>The kernel's weights of active trial <paramref name="trial"/> (an index into the trial list): views into the kernel's buffers, for the caller to dispose.</summary>
    public Tensor[] WeightsOf(int trial) =>
        active.IndexOf(trial) is var p and >= 0 ? WeightsAt(p) : throw new ArgumentException($"Trial {trial} is not active in this kernel.", nameof(trial));

    /// <summary>
    /// Training loss 1/2 E||f* - f||^2 and max_x ||g_1(x)|| over the whole dataset of active trial
    /// <paramref name="trial"/>, from the stacked weights (no write-back needed).
    /// </summary>
    public (double Loss, double MaxSampleGradient) Measure(int trial)
    {
        using var scope = NewDisposeScope();
        var w = WeightsAt(active.IndexOf(trial));
        var n = trials[trial].Data.Count;
        var x = flatX.narrow(0, inputsOnce ? 0 : offsets[trial], n);
        var y = flatY.narrow(0, offsets[trial], n);
        return IntraOpThreads.Run(SgdTrainer.MeasureFlops(trials[trial].Student, n), () => Summarize(Signals(activation, w, x, y)));
    }

    /// <summary>Copies the stacked weights of <paramref name="trialIndices"/> (active ones) back into their students (nothing to do for a single trial).</summary>
    public void WriteBack(IEnumerable<int> trialIndices)
    {
        if (!Stacked) return;
        foreach (var i in trialIndices)
        {
            var views = WeightsAt(active.IndexOf(i));
            for (var l = 0; l < views.Length; l++)
            {
                trials[i].Student.Weights[l].copy_(views[l]);
                views[l].Dispose();
            }
        }
    }

    /// <summary>Removes stopped trials from the stack (writing their weights back first unless already done).</summary>
    public void Retire(IReadOnlyCollection<int> trialIndices, bool writeBack = true)
    {
        if (writeBack) WriteBack(trialIndices);
        var kept = active.Select((i, p) => (i, p)).Where(ip => !trialIndices.Contains(ip.i)).Select(ip => ip.p).ToArray();
        ReleaseBlock();
        if (kept.Length == 0)
        {
            active.Clear();
            ReleaseLayout();
            chunk?.Dispose();
            chunk = null;
            return;
        }
        Keep(kept);
        active.RemoveAll(trialIndices.Contains);
        if (chunk is not null)
        {
            using var scope = NewDisposeScope();
            var steps = chunk.shape[0];
            using var keep = tensor(kept.Select(p => (long)p).ToArray(), device: chunk.device);
            var next = chunk.view(steps, kept.Length + trialIndices.Count, -1).index_select(1, keep).reshape(steps, -1).MoveToOuterDisposeScope();
            chunk.Dispose();
            chunk = next;
        }
        SetRates(kept.Select(p => rates[p]).ToArray());
    }

    /// <summary>Keeps the trials at stack positions <paramref name="positions"/> (ascending), in that order, and drops the rest; <see cref="Active"/> still lists every trial before the change.</summary>
    protected abstract void Keep(int[] positions);

    /// <summary>Disposes the layout's tensors (the last trial retired, or the kernel disposed).</summary>
    protected abstract void ReleaseLayout();

    public void Dispose()
    {
        ReleaseLayout();
        ReleaseBlock();
        gathered?.Dispose();
        gathered = null;
        chunk?.Dispose();
        scale?.Dispose();
        flatX.Dispose();
        flatY.Dispose();
    }
}
