import '../shared/tokens.css';
import './components/kf-app.js';
