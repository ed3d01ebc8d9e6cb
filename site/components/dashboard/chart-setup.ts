/** Only the Chart.js parts the dashboard uses (keeps the bundle small), registered once. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';
Chart.defaults.color = '#1b2430';

/** Colour-blind-safe palette (Okabe–Ito), distinguished by position and legend text too. */
export const COLOURS = ['#1f4e79', '#b35900', '#1d6b3a', '#6a3d9a', '#9b1c1c'];
export { Chart };
