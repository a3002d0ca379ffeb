using Verify.Model.Evidence;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>
/// The two-layer measurement on CIFAR-10 inputs: images average-pooled to 8 x 8 x 3 = 192
/// coordinates and standardized to the paper's input scale, labelled by a random two-layer ReLU
/// teacher (a deviation: the paper's teacher is a trained 4-layer CNN), students at multi 1 and 5.
/// </summary>
public static class Cifar10Experiment
{
    public const int Pool = 4;
    public static int InputDim => Cifar10.PixelsPerImage / (Pool * Pool);

    public static TwoLayerSweep Sweep(ExperimentScale scale) =>
        new(scale.LShape.Base with { D = InputDim, Decay = 1 }, [1, 5], [1], scale.LShape.Seeds);

    /// <summary>Reads the images of <paramref name="directory"/> and runs <paramref name="sweep"/> on them.</summary>
    public static (TwoLayerRun[] Runs, string Source) Run(string directory, TwoLayerSweep sweep, int? workers = null, Action<int, int>? onProgress = null)
    {
        if (sweep.Base.D != InputDim) throw new ArgumentException($"CIFAR-10 inputs have d = {InputDim} after {Pool}x{Pool} pooling; the sweep has d = {sweep.Base.D}.", nameof(sweep));
        Runtime.TorchRuntime.EnsureInitialized();
        var (train, eval) = Cifar10.ReadDirectory(directory, sweep.Base.NTrain, sweep.Base.NEval);
        using var scope = NewDisposeScope();
        using var inputs = new ProvidedInputs(Cifar10.ToInputs(train, train, Pool), Cifar10.ToInputs(eval, train, Pool),
            $"{train.Count} training images from {string.Join(", ", train.Files.Select(Path.GetFileName))}, {eval.Count} eval images from {Cifar10.TestFile}, pooled {Pool}x{Pool}");
        var runs = Training.TrialRunner.RunAll(sweep.Configs(), c => TwoLayerExperiment.Run(c, inputs), workers, onProgress);
        return (runs, inputs.Description);
    }
}
