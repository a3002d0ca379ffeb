using System.Globalization;
using Verify.Model.Benchmarks;

namespace Verify.Cli;

/// <summary>`verify bench [--json FILE] [--scale S] [--repeats R]`: training speed on this machine (run with -c Release).</summary>
static class Bench
{
    /// <summary>Options are declared and checked in Program.cs (BenchCommand).</summary>
    public static int Run(string? json, double scale, int repeats)
    {
        if (json is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(json));
            if (directory is not null && !Directory.Exists(directory))
                throw new IOException($"--json: directory '{directory}' does not exist.");
        }
#if DEBUG
        Console.Error.WriteLine("verify bench: warning: this is a Debug build; run `dotnet run -c Release --project src/Cli -- bench` for figures worth quoting.");
#endif
        var report = BenchReport.Measure(scale, repeats, what => Console.Error.WriteLine($"  {what} ..."));
        Print(report);
        if (json is not null)
        {
            File.WriteAllText(json, report.ToJson() + Environment.NewLine);
            Console.WriteLine($"written to {json}");
        }
        return 0;
    }

    static void Print(BenchReport r)
    {
        static string F(double v) => v.ToString(v >= 100 ? "N0" : "0.00", CultureInfo.InvariantCulture);
        Console.WriteLine($"machine                                   {r.Machine}, {r.Processors} processors, TorchSharp {r.TorchSharpVersion}");
        Console.WriteLine($"paper configuration                       {BenchConfig.Paper} ({F(r.FlopsPerStep / 1e6)} MFLOP per step)");
        Console.WriteLine(r.ReferenceMeasured
            ? $"reference_pytorch_steps_per_second        {F(r.ReferencePytorchStepsPerSecond)}  (the authors' step, {r.ReferenceSource})"
            : $"reference_pytorch_steps_per_second        {F(r.ReferencePytorchStepsPerSecond)}  ({r.ReferenceSource})");
        Console.WriteLine($"single_trial_steps_per_second             {F(r.SingleTrialStepsPerSecond)}  ({F(r.SingleVsReference)}x reference{(r.ReferenceMeasured ? " measured in this run" : " (cited)")}; target 2x)");
        Console.WriteLine($"  per CPU second                          {F(r.SingleTrialCpuStepsPerSecond)}  (reference {F(r.ReferencePytorchCpuStepsPerSecond)}: {F(r.SingleVsReferenceCpu)}x)");
        Console.WriteLine($"batched_trials                            {r.BatchedTrials}");
        Console.WriteLine($"batched_trial_steps_per_second            {F(r.BatchedTrialStepsPerSecond)}  ({F(r.BatchedVsSingle)}x single; target 2x)");
        Console.WriteLine($"  per CPU second                          {F(r.BatchedTrialCpuStepsPerSecond)}  ({F(r.BatchedVsSingleCpu)}x single)");
        Console.WriteLine($"small_single_trial_steps_per_second       {F(r.SmallSingleTrialStepsPerSecond)}  ({BenchConfig.Small})");
        Console.WriteLine($"  per CPU second                          {F(r.SmallSingleTrialCpuStepsPerSecond)}");
        Console.WriteLine($"small_batched_trial_steps_per_second      {F(r.SmallBatchedTrialStepsPerSecond)}  ({F(r.SmallBatchedVsSingle)}x single; target 4x)");
        Console.WriteLine($"  per CPU second                          {F(r.SmallBatchedTrialCpuStepsPerSecond)}  ({F(r.SmallBatchedVsSingleCpu)}x single)");
        Console.WriteLine($"sweep_trial_steps_per_second              {F(r.SweepTrialStepsPerSecond)}  ({r.SweepWorkers} workers; {F(r.SweepVsSingle)}x single; target 1.7x on 2 cores)");
        Console.WriteLine($"sweep_batched_trial_steps_per_second      {F(r.SweepBatchedTrialStepsPerSecond)}");
        Console.WriteLine($"achieved_gflops                           {F(r.AchievedGflops)}  (batched; single trial {F(r.SingleTrialGflops)})");
        Console.WriteLine($"gemm_gflops                               {F(r.GemmGflops)}  (1024 x 1024 float64, 1 thread; all cores {F(r.GemmGflopsAllCores)})");
        Console.WriteLine($"epoch_measure_ms (N = 10,000)             {F(r.EpochMeasureMsOneThread)} on 1 thread, {F(r.EpochMeasureMsAllCores)} on all cores");
        Console.WriteLine($"epoch_evaluation_ms                       {F(r.EpochEvaluationMs)}  (a paper-size sweep run's work per epoch outside its steps: eval loss, correlations and coverage on 10,000 eval points, 1 thread)");
        Console.WriteLine($"peak_working_set_mb                       {F(r.PeakWorkingSetMb)}  (libtorch loaded, before measuring: {F(r.BaselineWorkingSetMb)})");
        Console.WriteLine($"live_tensors_before / after               {r.LiveTensorsBefore} / {r.LiveTensorsAfter}");
        Console.WriteLine($"load_average_before / after               {F(r.LoadAverageBefore)} / {F(r.LoadAverageAfter)}  (1 minute; {r.Processors} processors)");
    }
}
