using Verify.Model.Networks;
using Verify.Model.Training;

namespace Verify.Model.Evidence;

/// <summary>
/// One run of the authors' multi-layer experiment as they ran it (recon_multilayer.py with
/// conf/config_multilayer.yaml); the defaults are the yaml's. Each field is named after its key.
/// </summary>
public sealed record AuthorsMultiLayerConfig
{
    /// <summary>data_d: input dimension.</summary>
    public int D { get; init; } = 20;

    /// <summary>ks: teacher widths, lowest first.</summary>
    public IReadOnlyList<int> Ks { get; init; } = [50, 75, 100, 125];

    /// <summary>node_multi: the student is this many times wider at every hidden layer.</summary>
    public int NodeMulti { get; init; } = 10;

    /// <summary>data_std: inputs x ~ N(0, data_std^2 I_d).</summary>
    public double DataStd { get; init; } = 10;

    /// <summary>random_dataset_size: training-set size N.</summary>
    public int NTrain { get; init; } = 2_000_000;

    /// <summary>Evaluation-set size (dataset.py: 10,240); the teacher is tuned on it, as the authors tune on their eval loader.</summary>
    public int NEval { get; init; } = 10_240;

    /// <summary>batchsize.</summary>
    public int Batch { get; init; } = 64;

    /// <summary>num_epoch: shuffled passes over the training set.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>lr: "{0:0.2,20:0.1}", rates of PyTorch's MSELoss (mean over samples and outputs), from each epoch on.</summary>
    public IReadOnlyList<(int Epoch, double Rate)> LearningRates { get; init; } = [(0, 0.2), (20, 0.1)];

    /// <summary>Outputs (dataset.py's d_output for Gaussian data).</summary>
    public int Outputs { get; init; } = 100;

    /// <summary>The run seed: teacher, data, student and batch order come from its named streams.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The yaml's configuration, seed 1.</summary>
    public static AuthorsMultiLayerConfig Authors { get; } = new();

    /// <summary>The trainer's options: the yaml's rates converted to the suite's step (<see cref="MseRate"/>, factor 2 / outputs).</summary>
    public PassOptions PassOptions() => new()
    {
        Batch = Batch,
        Epochs = Epochs,
        Schedule = LearningRates.Select(p => (p.Epoch, MseRate.ToStep(p.Rate, Outputs))).ToArray(),
    };

    /// <summary>Throws one message naming the first out-of-range field.</summary>
    public void Validate()
    {
        new AuthorsTeacherSpec(D, Ks, Outputs).Validate();
        if (Ks.Count < 2) throw new ArgumentException($"The multi-layer experiment needs at least two hidden layers; got ks [{string.Join(",", Ks)}].", nameof(Ks));
        if (NodeMulti < 1) throw new ArgumentOutOfRangeException(nameof(NodeMulti), NodeMulti, $"node_multi must be >= 1; got {NodeMulti}.");
        if (!double.IsFinite(DataStd) || DataStd <= 0) throw new ArgumentOutOfRangeException(nameof(DataStd), DataStd, $"data_std must be finite and > 0; got {DataStd}.");
        if (NTrain < 1) throw new ArgumentOutOfRangeException(nameof(NTrain), NTrain, $"The training set needs at least one sample; got {NTrain}.");
        if (NEval < 2) throw new ArgumentOutOfRangeException(nameof(NEval), NEval, $"The evaluation set needs at least two samples; got {NEval}.");
        PassOptions().Validate(NTrain);
    }

    public string Rates => string.Join(",", LearningRates.Select(p => FormattableString.Invariant($"{p.Epoch}:{p.Rate}")));

    public override string ToString() => FormattableString.Invariant($"seed {Seed}, N {NTrain}, {Shape}");

    /// <summary>Everything but the seed and N: what the runs of one sweep share.</summary>
    public string Shape => FormattableString.Invariant(
        $"d {D}, ks [{string.Join(",", Ks)}], node_multi {NodeMulti}, data_std {DataStd}, N_eval {NEval}, batch {Batch}, {Epochs} epochs, lr {Rates} (MSELoss), {Outputs} outputs");
}
