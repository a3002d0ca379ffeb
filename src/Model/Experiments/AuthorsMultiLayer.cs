using System.Diagnostics;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>
/// The authors' multi-layer experiment: a teacher built and tuned as theirs (<see cref="AuthorsTeacher"/>,
/// tuned on the evaluation inputs as they tune it on their eval loader), Gaussian inputs
/// N(0, data_std^2 I), a student node_multi times wider with PyTorch's default initialization
/// (<see cref="Student.PyTorchDefault"/>), SGD by shuffled passes (<see cref="PassTrainer"/>) with
/// their MSELoss rates converted exactly (<see cref="MseRate"/>), and after every epoch each layer's
/// correlations and the losses on the evaluation set. Named streams of the run seed: "teacher",
/// "eval-inputs", "train-inputs", "student", "batches"; so runs of one seed at different N share
/// the teacher, the evaluation set and the student's initialization.
/// </summary>
public static class AuthorsMultiLayer
{
    /// <summary>Rows per block of a pass over the training set outside training (labels, losses): a large N never holds every layer of every sample at once.</summary>
    const int BlockRows = 65_536;

    /// <summary>Trains and measures one run; <paramref name="onEpoch"/> is called after each epoch (progress).</summary>
    public static AuthorsMultiLayerRun Run(AuthorsMultiLayerConfig config, Action? onEpoch = null)
    {
        config.Validate();
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var evalInputs = Inputs.Gaussian(config.NEval, config.D, Seeds.Of(config.Seed, "eval-inputs"), config.DataStd);
        using var teacher = AuthorsTeacher.Build(new AuthorsTeacherSpec(config.D, config.Ks, config.Outputs), Seeds.Of(config.Seed, "teacher"), evalInputs);
        using var eval = Dataset.Label(teacher, evalInputs);
        Dataset train;
        using (var trainInputs = Inputs.Gaussian(config.NTrain, config.D, Seeds.Of(config.Seed, "train-inputs"), config.DataStd))
            train = Dataset.Label(teacher, trainInputs, BlockRows);
        using var _ = train;
        using var student = Student.PyTorchDefault(teacher, config.NodeMulti, Seeds.Of(config.Seed, "student"));
        using var teacherTrace = Traced(teacher, eval.Inputs);

        var (best0, evalLoss0) = OnEval(student, teacherTrace, eval);
        var initialTrain = TrainLoss(student, train);
        var perEpoch = new List<double[]> { Means(best0) };
        var evalPerEpoch = new List<double> { evalLoss0 };
        var result = PassTrainer.Train(student, train, config.PassOptions(), Seeds.Of(config.Seed, "batches"), epoch =>
        {
            var (best, loss) = OnEval(student, teacherTrace, eval);
            perEpoch.Add(Means(best));
            evalPerEpoch.Add(loss);
            onEpoch?.Invoke();
        });
        double[][] final;
        double evalLoss, trainLoss;
        if (result.Diverged)
        {
            final = config.Ks.Select(m => Enumerable.Repeat(double.NaN, m).ToArray()).ToArray();
            (evalLoss, trainLoss) = (double.NaN, double.NaN);
        }
        else
        {
            (final, evalLoss) = OnEval(student, teacherTrace, eval);
            trainLoss = TrainLoss(student, train);
        }
        return new AuthorsMultiLayerRun(config, final, Means(final), initialTrain, trainLoss, evalLoss0, evalLoss, perEpoch.ToArray(),
            result.MeanBatchLossPerEpoch.Select(l => Losses.FromObjective(l, config.Outputs)).ToArray(), evalPerEpoch.ToArray(),
            result.Outcome, result.Steps, result.DivergedAtStep, result.LastFiniteLoss is { } f ? Losses.FromObjective(f, config.Outputs) : null,
            clock.Elapsed.TotalSeconds);
    }

    static double[] Means(double[][] best) => best.Select(layer => layer.Average()).ToArray();

    static NetworkTrace Traced(RectifiedNetwork net, Tensor inputs)
    {
        using var noGrad = no_grad();
        return net.Trace(inputs);
    }

    /// <summary>Each layer's best correlations and the MSE on the evaluation set.</summary>
    static (double[][] Best, double Loss) OnEval(RectifiedNetwork student, NetworkTrace teacher, Dataset eval)
    {
        using var scope = NewDisposeScope();
        using var trace = Traced(student, eval.Inputs);
        return (LayerCorrelations.BestPerTeacherNode(teacher.Activations, trace.Activations), Losses.MeanSquaredError(trace.Output, eval.Targets));
    }

    /// <summary>MSE over the whole training set, a block of rows at a time.</summary>
    static double TrainLoss(RectifiedNetwork student, Dataset train)
    {
        using var noGrad = no_grad();
        var sum = 0.0;
        for (long start = 0; start < train.Count; start += BlockRows)
        {
            using var scope = NewDisposeScope();
            var rows = Math.Min(BlockRows, train.Count - start);
            var y = student.forward(train.Inputs.narrow(0, start, rows));
            sum += (train.Targets.narrow(0, start, rows) - y).Squared().sum().item<double>();
        }
        return sum / ((double)train.Count * train.Targets.shape[1]);
    }
}
