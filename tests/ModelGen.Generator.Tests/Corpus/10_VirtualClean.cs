// The same hierarchy where every override only predicts. Clean.
using System;
using ModelGen;

namespace Corpus.VirtualClean
{
    [Model, Input(3), Dense(4), Tanh, Dense(1)]
    public partial class DemandNet { }

    public abstract class Forecaster
    {
        protected readonly DemandNet Net = new DemandNet();
        public abstract float Forecast(float[] x);
    }

    public sealed class PointForecaster : Forecaster
    {
        public override float Forecast(float[] x) { var y = new float[1]; Net.Predict(x, y); return y[0]; }
    }

    public sealed class ClampedForecaster : Forecaster
    {
        public override float Forecast(float[] x) { var y = new float[1]; Net.Predict(x, y); return Math.Max(0, y[0]); }
    }

    public sealed class Dashboard
    {
        [InferenceEntryPoint]
        public float Show(Forecaster f, float[] x) => f.Forecast(x);
    }
}
