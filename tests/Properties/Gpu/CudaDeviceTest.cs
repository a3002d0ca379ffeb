using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Gpu;

/// <summary>
/// The code path is device-agnostic: the same full-batch training and analysis on CUDA give the
/// CPU's numbers (float64). Without a CUDA device each test reports "ignored: no CUDA device".
/// Needs the CUDA build of libtorch (restore with -p:TorchBackend=cuda; see README, GPU runs).
/// </summary>
[TestFixture, Category("Gpu")]
public sealed class CudaDeviceTest
{
    [SetUp]
    public void RequireCuda()
    {
        if (!TorchRuntime.CudaAvailable) Assert.Ignore("no CUDA device");
    }

    static (double Loss, double MaxGrad, double[] BestCorr) TrainOn(Device device, long seed)
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(20, 4, decay: 1, outputs: 10), Seeds.Of(seed, "teacher"), device: device);
        using var data = Dataset.Gaussian(teacher, 512, Seeds.Of(seed, "train-inputs"));
        using var student = Student.OverRealized(teacher, 3, Seeds.Of(seed, "student"), initStd: 0.1);
        // Full batch: no batch sampling, so CPU and CUDA random streams cannot differ.
        var result = SgdTrainer.Train(student, data, new SgdOptions { BatchSize = null, LearningRate = 0.05, Epochs = 5, ItersPerEpoch = 100 }, Seeds.Of(seed, "batches"));
        var report = Specialization.Analyze(teacher, student, data.Inputs);
        return (result.FinalTrainLoss, result.MaxSampleGradient, report.BestCorrelationPerTeacher);
    }

    [Test]
    public void FullBatchTrainingAndAnalysis_OnCuda_MatchCpu([Values(1L, 2L)] long seed)
    {
        var cpu = TrainOn(CPU, seed);
        var cuda = TrainOn(TorchRuntime.ResolveDevice("cuda"), seed);
        cuda.Loss.ShouldBe(cpu.Loss, Tolerances.DeviceAgreement * Math.Abs(cpu.Loss), $"seed {seed}: final loss");
        cuda.MaxGrad.ShouldBe(cpu.MaxGrad, Tolerances.DeviceAgreement * Math.Abs(cpu.MaxGrad), $"seed {seed}: max per-sample gradient");
        for (var j = 0; j < cpu.BestCorr.Length; j++)
            cuda.BestCorr[j].ShouldBe(cpu.BestCorr[j], 1e-6, $"seed {seed}: best correlation of teacher {j + 1}");
    }

    [Test]
    public void TheDeviceVariable_SelectsCuda()
    {
        var before = Environment.GetEnvironmentVariable(TorchRuntime.DeviceVariable);
        try
        {
            Environment.SetEnvironmentVariable(TorchRuntime.DeviceVariable, "cuda");
            TorchRuntime.ResolveDevice().type.ShouldBe(DeviceType.CUDA);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TorchRuntime.DeviceVariable, before);
        }
    }
}
