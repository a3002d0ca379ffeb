using System.Diagnostics;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

public static class MultiLayer
{
    public static MultiLayerRun Run(MultiLayerConfig config)
    {
        config.Validate();
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var spec = new TeacherSpec(config.D, config.Widths, config.Outputs, InputStd: config.InputStd);
        using var teacher = Teacher.Build(spec, Seeds.Of(config.Seed, "teacher"));
        using var train = Dataset.Gaussian(teacher, config.NTrain, Seeds.Of(config.Seed, "train-inputs"), config.InputStd);
        using var eval = Dataset.Gaussian(teacher, config.NEval, Seeds.Of(config.Seed, "eval-inputs"), config.InputStd);
        using var student = Student.OverRealized(teacher, config.Multi, Seeds.Of(config.Seed, "student", config.Multi));
        var options = new SgdOptions
        {
            LearningRate = config.LearningRate, BatchSize = config.Batch, Epochs = config.Epochs, ItersPerEpoch = config.ItersPerEpoch,
            Schedule = [(config.Epochs / 2, config.LearningRate / 2)],
        };
        var result = SgdTrainer.Train(student, train, options, Seeds.Of(config.Seed, "batches", config.Multi));
        var layers = result.Diverged
            ? Enumerable.Repeat(double.NaN, config.Widths.Count).ToArray()
            : MeanBestCorrelationPerLayer(teacher, student, eval.Inputs);
        return new MultiLayerRun(config, layers, Losses.FromObjective(result.FinalTrainLoss, config.Outputs), result.Outcome, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Per hidden layer: mean over teacher nodes j of max_k rho_jk on <paramref name="inputs"/>.</summary>
    static double[] MeanBestCorrelationPerLayer(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var t = teacher.Trace(inputs);
        using var s = student.Trace(inputs);
        return LayerCorrelations.BestPerTeacherNode(t.Activations, s.Activations).Select(best => best.Average()).ToArray();
    }
}
