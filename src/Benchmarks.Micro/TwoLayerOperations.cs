using BenchmarkDotNet.Attributes;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Benchmarks.Micro;

/// <summary>
/// Single operations of a paper-size two-layer run (d 100, m 10, multi 5, 10 outputs): one epoch's
/// evaluation of one student and of a seed's five students together on 10,000 eval points, the
/// end-of-epoch measurement (loss and max per-sample gradient) over 2,000 samples, Pearson's
/// correlation of the teacher's and a student's hidden layers, and 100 SGD steps of batch 16.
/// </summary>
[MemoryDiagnoser]
public class TwoLayerOperations : IDisposable
{
    const int D = 100, M = 10, Outputs = 10, EvalSamples = 10_000, TrainSamples = 2_000;

    RectifiedNetwork teacher = null!;
    Dataset eval = null!, train = null!;
    Tensor teacherEval = null!;
    RectifiedNetwork[] students = [];
    TwoLayerEvaluation evaluation = null!;
    (RectifiedNetwork, Tensor)[] one = [], five = [];

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.EnsureInitialized();
        teacher = Teacher.Build(TeacherSpec.TwoLayer(D, M, 1, Outputs), Seeds.Of(1, "teacher"));
        eval = Dataset.Gaussian(teacher, EvalSamples, Seeds.Of(1, "eval-inputs"));
        train = Dataset.Gaussian(teacher, TrainSamples, Seeds.Of(1, "train-inputs"));
        using (var trace = teacher.Trace(eval.Inputs))
            teacherEval = trace.Activations[0].clone().DetachFromDisposeScope();
        students = [.. Enumerable.Range(0, 5).Select(k => Student.OverRealized(teacher, 5, Seeds.Of(1, "student", k)))];
        evaluation = new TwoLayerEvaluation(eval.Inputs, teacherEval);
        one = [(students[0], eval.Targets)];
        five = [.. students.Select(s => (s, eval.Targets))];
    }

    [Benchmark]
    public double EvaluateOneStudent() => evaluation.Evaluate(one)[0].Loss;

    [Benchmark]
    public double EvaluateFiveStudentsTogether() => evaluation.Evaluate(five)[0].Loss;

    [Benchmark]
    public double MeasureLossAndGradient() => SgdTrainer.Measure(students[0], train).Loss;

    [Benchmark]
    public double PearsonOfHiddenLayers()
    {
        using var scope = NewDisposeScope();
        using var trace = students[0].Trace(eval.Inputs);
        return Correlation.Pearson(teacherEval, trace.Activations[0])[0, 0];
    }

    [Benchmark]
    public long HundredSgdSteps()
    {
        using var student = students[1].Clone();
        var options = new SgdOptions { LearningRate = 0.01, BatchSize = 16, Epochs = 1, ItersPerEpoch = 100, MeasureEveryEpoch = false };
        return SgdTrainer.Train(student, train, options, Seeds.Of(1, "batches")).Steps;
    }

    public void Dispose()
    {
        Cleanup();
        GC.SuppressFinalize(this);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        evaluation.Dispose();
        foreach (var s in students) s.Dispose();
        teacherEval.Dispose();
        train.Dispose();
        eval.Dispose();
        teacher.Dispose();
    }
}
