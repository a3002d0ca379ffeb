using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Verify.Model.Evidence;

namespace Verify.Model.Sweeps;

/// <summary>The result of one run as results/&lt;run id&gt;.json holds it.</summary>
public sealed record SweepResult(string RunId, int Index, string Experiment, TwoLayerRun Run);

/// <summary>Why a run failed, as failed/&lt;run id&gt;.json holds it (a failed run writes this, never a result).</summary>
public sealed record SweepFailure(string RunId, int Index, string Experiment, string ErrorType, string Message, DateTime At);
